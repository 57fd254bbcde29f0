package dev.switchboard.gateway.router.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.exchange.BadRequestException;
import dev.switchboard.gateway.exchange.OpenAiError;
import dev.switchboard.gateway.text.TokenizerConfig;
import dev.switchboard.gateway.text.template.ChatTemplate;
import dev.switchboard.gateway.text.template.TemplateException;
import dev.switchboard.gateway.text.template.TemplateValues;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders a chat request into prompt text with the model's chat template (reference §7.4 step 2): string content,
 * text parts joined by spaces, assistant tool-call arguments parsed into objects, {@code tools}, {@code
 * add_generation_prompt=true}, {@code chat_template_kwargs} and {@code reasoning_effort} as variables, special tokens,
 * {@code continue_final_message}. A thin adapter over {@link ChatTemplate} owned by the gRPC routers, used while
 * the text package's own chat-prompt builder is not on this branch. Thread-safe; the template is compiled once.
 */
public final class PromptBuilder {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> RESERVED = Set.of("messages", "tools", "documents", "add_generation_prompt");

  private final ChatTemplate template;
  private final Map<String, Object> specialTokens;

  private PromptBuilder(ChatTemplate template, Map<String, Object> specialTokens) {
    this.template = template;
    this.specialTokens = specialTokens;
  }

  /** The builder for a tokenizer's chat template; throws {@link TemplateException} when it does not compile. */
  public static PromptBuilder of(TokenizerConfig config) throws TemplateException {
    Map<String, Object> tokens = new LinkedHashMap<>();
    if (config.bosToken() != null) tokens.put("bos_token", config.bosToken());
    if (config.eosToken() != null) tokens.put("eos_token", config.eosToken());
    if (config.padToken() != null) tokens.put("pad_token", config.padToken());
    if (config.unkToken() != null) tokens.put("unk_token", config.unkToken());
    return new PromptBuilder(ChatTemplate.compile(config.chatTemplate()), Map.copyOf(tokens));
  }

  /** The prompt for a chat request whose {@code tools} were already filtered by {@code tool_choice}. */
  public String render(JsonNode request, JsonNode tools) {
    JsonNode messagesNode = request.path("messages");
    if (!messagesNode.isArray() || messagesNode.isEmpty()) {
      throw bad("'messages' must be a non-empty array", "messages");
    }
    List<Object> messages = new ArrayList<>(messagesNode.size());
    for (int i = 0; i < messagesNode.size(); i++) messages.add(message(messagesNode.get(i), i));
    String continuation = null;
    if (request.path("continue_final_message").asBoolean(false)) {
      @SuppressWarnings("unchecked")
      Map<String, Object> last = (Map<String, Object>) messages.get(messages.size() - 1);
      if ("assistant".equals(last.get("role"))) {
        messages.remove(messages.size() - 1);
        continuation = last.get("content") instanceof String s ? s : "";
      }
    }
    Map<String, Object> vars = new LinkedHashMap<>(specialTokens);
    JsonNode kwargs = request.path("chat_template_kwargs");
    if (kwargs.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = kwargs.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!RESERVED.contains(e.getKey())) vars.put(e.getKey(), TemplateValues.fromJson(e.getValue()));
      }
    } else if (!kwargs.isMissingNode() && !kwargs.isNull()) {
      throw bad("'chat_template_kwargs' must be an object", "chat_template_kwargs");
    }
    if (request.hasNonNull("reasoning_effort")) vars.put("reasoning_effort", TemplateValues.fromJson(request.get("reasoning_effort")));
    vars.put("messages", messages);
    vars.put("tools", tools == null || tools.isEmpty() ? null : TemplateValues.fromJson(tools));
    vars.put("documents", null);
    vars.put("add_generation_prompt", true);
    String prompt;
    try {
      prompt = template.render(vars);
    } catch (TemplateException e) {
      throw bad(e.kind() == TemplateException.Kind.RAISED ? e.detail() : "chat template failed: " + e.getMessage(), "messages");
    }
    return continuation == null ? prompt : prompt + continuation;
  }

  private static Map<String, Object> message(JsonNode node, int index) {
    if (!node.isObject()) throw bad("messages[" + index + "] must be an object", "messages");
    if (!node.path("role").isTextual()) throw bad("messages[" + index + "].role must be a string", "messages");
    @SuppressWarnings("unchecked")
    Map<String, Object> message = (Map<String, Object>) TemplateValues.fromJson(node);
    message.put("content", content(node.get("content"), index));
    JsonNode calls = node.get("tool_calls");
    if (calls != null && calls.isArray()) {
      List<Object> out = new ArrayList<>(calls.size());
      for (JsonNode call : calls) {
        @SuppressWarnings("unchecked")
        Map<String, Object> c = (Map<String, Object>) TemplateValues.fromJson(call);
        JsonNode args = call.path("function").path("arguments");
        if (args.isTextual() && c.get("function") instanceof Map<?, ?> f) {
          @SuppressWarnings("unchecked")
          Map<String, Object> fn = (Map<String, Object>) f;
          try {
            fn.put("arguments", TemplateValues.fromJson(JSON.readTree(args.textValue())));
          } catch (IOException e) {
            throw bad("messages[" + index + "].tool_calls[].function.arguments is not valid JSON", "messages");
          }
        }
        out.add(c);
      }
      message.put("tool_calls", out);
    }
    return message;
  }

  private static Object content(JsonNode content, int index) {
    if (content == null || content.isNull()) return "";
    if (content.isTextual()) return content.textValue();
    if (!content.isArray()) throw bad("messages[" + index + "].content must be a string or an array of parts", "messages");
    StringBuilder text = new StringBuilder();
    for (JsonNode part : content) {
      if ("text".equals(part.path("type").asText()) && part.path("text").isTextual()) {
        if (!text.isEmpty()) text.append(' ');
        text.append(part.get("text").textValue());
      }
    }
    return text.toString();
  }

  private static BadRequestException bad(String message, String param) {
    return new BadRequestException(OpenAiError.badRequest(message, param));
  }
}
