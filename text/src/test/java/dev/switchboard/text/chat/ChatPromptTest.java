package dev.switchboard.text.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.text.BundledTokenizers;
import dev.switchboard.text.TokenizerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatPromptTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final TokenizerConfig qwen3 = BundledTokenizers.qwen3().config();

  private static String golden(String name) throws IOException {
    try (InputStream in = ChatPromptTest.class.getResourceAsStream("/templates/golden/" + name + ".txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static JsonNode json(String text) throws IOException {
    return JSON.readTree(text.replace('\'', '"'));
  }

  private static JsonNode resourceJson(String path) throws IOException {
    try (InputStream in = ChatPromptTest.class.getResourceAsStream(path)) {
      return JSON.readTree(in);
    }
  }

  /** An OpenAI request whose tool-call arguments are JSON strings, as clients send them. */
  private static ObjectNode toolRequest() throws IOException {
    return (ObjectNode) resourceJson("/chat/qwen3_tool_request.json");
  }

  @Test
  void openAiRequestWithToolCallsRendersLikeTransformers() throws Exception {
    JsonNode request = toolRequest();
    assertThat(request.at("/messages/2/tool_calls/0/function/arguments").isTextual()).isTrue();
    assertThat(ChatPrompt.forConfig(qwen3).render(request)).isEqualTo(golden("qwen3_tool_calls_and_results"));
  }

  @Test
  void chatTemplateKwargsReachTheTemplate() throws Exception {
    JsonNode request = json("""
        {'messages': [{'role': 'user', 'content': 'Hello! How are you?'}],
         'chat_template_kwargs': {'enable_thinking': false}}""");
    assertThat(ChatPrompt.forConfig(qwen3).render(request)).isEqualTo(golden("qwen3_enable_thinking_false"));
  }

  @Test
  void contentPartsCollapseToTheirTextJoinedBySpaces() throws Exception {
    JsonNode request = json("""
        {'messages': [{'role': 'system', 'content': [{'type': 'text', 'text': 'You are a helpful assistant.'}]},
          {'role': 'user', 'content': [{'type': 'text', 'text': 'Hello!'},
            {'type': 'image_url', 'image_url': {'url': 'data:image/png;base64,AAAA'}},
            {'type': 'text', 'text': 'How are you?'}]}]}""");
    ChatPrompt prompt = ChatPrompt.forConfig(qwen3);
    assertThat(prompt.contentFormat()).isEqualTo(ChatPrompt.ContentFormat.STRING);
    assertThat(prompt.render(request)).isEqualTo(golden("qwen3_simple"));
  }

  @Test
  void templatesThatIterateContentGetPartsWithMediaPlaceholders() throws Exception {
    ChatPrompt prompt = ChatPrompt.withTemplate(
        "{% for m in messages %}{% for p in m.content %}{{ p.type }}{{ p.text }};{% endfor %}{% endfor %}", qwen3);
    assertThat(prompt.contentFormat()).isEqualTo(ChatPrompt.ContentFormat.OPENAI);
    JsonNode request = json("""
        {'messages': [{'role': 'user', 'content': [{'type': 'text', 'text': 'look'},
          {'type': 'image_url', 'image_url': {'url': 'http://x/y.png'}}]}]}""");
    assertThat(prompt.render(request)).isEqualTo("textlook;image;");
  }

  @Test
  void continueFinalMessageAppendsTheAssistantTextVerbatim() throws Exception {
    JsonNode request = json("""
        {'continue_final_message': true, 'chat_template_kwargs': {'enable_thinking': false},
         'messages': [{'role': 'user', 'content': 'Hi'}, {'role': 'assistant', 'content': 'The answer is'}]}""");
    assertThat(ChatPrompt.forConfig(qwen3).render(request))
        .isEqualTo("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\nThe answer is");
  }

  @Test
  void specificToolChoiceKeepsOnlyThatTool() throws Exception {
    ObjectNode request = toolRequest();
    request.set("tool_choice", json("{'type': 'function', 'function': {'name': 'search'}}"));
    String prompt = ChatPrompt.forConfig(qwen3).render(request);
    String toolsSection = prompt.substring(prompt.indexOf("<tools>\n"), prompt.indexOf("\n</tools>"));
    assertThat(toolsSection).contains("\"name\": \"search\"").doesNotContain("get_weather");
    assertThat(ChatPrompt.tools(request)).hasSize(1);
  }

  @Test
  void allowedToolsChoiceKeepsTheAllowedNames() throws Exception {
    ObjectNode request = toolRequest();
    request.set("tool_choice", json("""
        {'type': 'allowed_tools', 'allowed_tools': {'mode': 'auto',
           'tools': [{'type': 'function', 'function': {'name': 'get_weather'}}]}}"""));
    @SuppressWarnings("unchecked")
    List<Map<String, Map<String, Object>>> tools = (List<Map<String, Map<String, Object>>>) (List<?>) ChatPrompt.tools(request);
    assertThat(tools).extracting(t -> t.get("function").get("name")).containsExactly("get_weather");
  }

  @Test
  void invalidToolCallArgumentsAreAClearError() throws Exception {
    JsonNode request = json("""
        {'messages': [{'role': 'user', 'content': 'q'}, {'role': 'assistant', 'tool_calls': [
          {'type': 'function', 'function': {'name': 'f', 'arguments': '{not json'}}]}]}""");
    assertThatThrownBy(() -> ChatPrompt.forConfig(qwen3).render(request))
        .isInstanceOf(ChatPromptException.class)
        .hasMessageContaining("messages[1].tool_calls[0].function.arguments is not valid JSON");
  }

  @Test
  void malformedRequestsAreRejected() throws Exception {
    ChatPrompt prompt = ChatPrompt.forConfig(qwen3);
    assertThatThrownBy(() -> prompt.render(json("{'messages': []}")))
        .isInstanceOf(ChatPromptException.class).hasMessageContaining("non-empty");
    assertThatThrownBy(() -> prompt.render(json("{'messages': [{'content': 'x'}]}")))
        .isInstanceOf(ChatPromptException.class).hasMessageContaining("messages[0].role");
    assertThatThrownBy(() -> prompt.render(json("{'messages': [{'role': 'user', 'content': 5}]}")))
        .isInstanceOf(ChatPromptException.class).hasMessageContaining("content");
  }

  @Test
  void templateRaisedErrorsCarryTheTemplateMessage() throws Exception {
    ChatPrompt prompt = ChatPrompt.withTemplate(
        "{% if messages[0].role != 'user' %}{{ raise_exception('first message must be from the user') }}{% endif %}",
        qwen3);
    assertThatThrownBy(() -> prompt.render(json("{'messages': [{'role': 'assistant', 'content': 'x'}]}")))
        .isInstanceOf(ChatPromptException.class).hasMessage("first message must be from the user");
  }

  @Test
  void aTokenizerWithoutTemplateCannotBuildPrompts() {
    TokenizerConfig none = new TokenizerConfig(null, Map.of(), null, null, null, null, List.of(), false);
    assertThatThrownBy(() -> ChatPrompt.forConfig(none))
        .isInstanceOf(ChatPromptException.class).hasMessageContaining("no chat template");
  }

  @Test
  void specialTokensAndReasoningEffortAreVariables() throws Exception {
    ChatPrompt prompt = ChatPrompt.withTemplate(
        "{{ eos_token }}|{{ pad_token }}|{{ bos_token is defined }}|{{ reasoning_effort }}|{{ add_generation_prompt }}|{{ tools }}",
        qwen3);
    assertThat(prompt.render(json("{'reasoning_effort': 'low', 'messages': [{'role': 'user', 'content': 'x'}]}")))
        .isEqualTo("<|im_end|>|<|endoftext|>|False|low|True|None");
  }
}
