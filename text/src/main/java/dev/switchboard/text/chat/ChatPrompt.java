package dev.switchboard.text.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.text.TokenizerConfig;
import dev.switchboard.text.template.ChatTemplate;
import dev.switchboard.text.template.TemplateException;
import dev.switchboard.text.template.TemplateValues;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Builds the prompt text for an OpenAI chat-completions request the way SGLang's gateway does in gRPC mode
 *: messages normalised for the template, assistant tool-call arguments parsed from JSON,
 * tools filtered by {@code tool_choice}, {@code add_generation_prompt=true}, {@code chat_template_kwargs} (and
 * {@code reasoning_effort}) as extra variables, the tokenizer's special tokens as {@code bos_token} etc., and
 * {@code continue_final_message} handled by rendering without the final assistant message and appending its text.
 *
 * <p>Templates are compiled once per template source and shared. Instances are immutable and thread-safe.
 */
public final class ChatPrompt {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, CompiledTemplate> CACHE = new ConcurrentHashMap<>();
  /** A template that loops over {@code message.content} wants OpenAI content parts, not a collapsed string. */
  private static final Pattern ITERATES_CONTENT = Pattern.compile(
      "\\{%-?\\s*for\\s+\\w+\\s+in\\s+\\w+(?:\\.content|\\[\\s*['\"]content['\"]\\s*\\])");
  private static final Set<String> RESERVED = Set.of("messages", "tools", "documents", "add_generation_prompt");

  /** How message content reaches the template. */
  public enum ContentFormat {
    /** Content parts collapsed to their text parts joined by a space. */
    STRING,
    /** Content parts kept as a list; media parts become {@code {"type": "image"}} style placeholders. */
    OPENAI
  }

  private record CompiledTemplate(ChatTemplate template, ContentFormat format) {}

  private final CompiledTemplate compiled;
  private final Map<String, Object> specialTokens;

  private ChatPrompt(CompiledTemplate compiled, TokenizerConfig config) {
    this.compiled = compiled;
    Map<String, Object> tokens = new LinkedHashMap<>();
    putIfPresent(tokens, "bos_token", config.bosToken());
    putIfPresent(tokens, "eos_token", config.eosToken());
    putIfPresent(tokens, "pad_token", config.padToken());
    putIfPresent(tokens, "unk_token", config.unkToken());
    this.specialTokens = Map.copyOf(tokens);
  }

  private static void putIfPresent(Map<String, Object> map, String key, String value) {
    if (value != null) {
      map.put(key, value);
    }
  }

  /** The prompt builder for a tokenizer's own chat template. */
  public static ChatPrompt forConfig(TokenizerConfig config) throws ChatPromptException {
    if (config.chatTemplate() == null) {
      throw new ChatPromptException("the model's tokenizer has no chat template; a chat template is required");
    }
    return withTemplate(config.chatTemplate(), config);
  }

  /** The prompt builder for an explicit template (e.g. a {@code --chat-template} override). */
  public static ChatPrompt withTemplate(String templateSource, TokenizerConfig config) throws ChatPromptException {
    CompiledTemplate compiled = CACHE.get(templateSource);
    if (compiled == null) {
      try {
        ContentFormat format = ITERATES_CONTENT.matcher(templateSource).find() ? ContentFormat.OPENAI : ContentFormat.STRING;
        compiled = new CompiledTemplate(ChatTemplate.compile(templateSource), format);
      } catch (TemplateException e) {
        throw new ChatPromptException("invalid chat template: " + e.getMessage(), e);
      }
      CACHE.putIfAbsent(templateSource, compiled);
    }
    return new ChatPrompt(compiled, config);
  }

  public ContentFormat contentFormat() {
    return compiled.format();
  }

  /** Renders the prompt for a chat-completions request body. */
  public String render(JsonNode request) throws ChatPromptException {
    JsonNode messagesNode = request.path("messages");
    if (!messagesNode.isArray() || messagesNode.isEmpty()) {
      throw new ChatPromptException("'messages' must be a non-empty array");
    }
    List<Object> messages = new ArrayList<>(messagesNode.size());
    for (int i = 0; i < messagesNode.size(); i++) {
      messages.add(normaliseMessage(messagesNode.get(i), i));
    }
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
        if (!RESERVED.contains(e.getKey())) {
          vars.put(e.getKey(), TemplateValues.fromJson(e.getValue()));
        }
      }
    } else if (!kwargs.isMissingNode() && !kwargs.isNull()) {
      throw new ChatPromptException("'chat_template_kwargs' must be an object");
    }
    if (request.hasNonNull("reasoning_effort")) {
      vars.put("reasoning_effort", TemplateValues.fromJson(request.get("reasoning_effort")));
    }
    vars.put("messages", messages);
    vars.put("tools", tools(request));
    vars.put("documents", null);
    vars.put("add_generation_prompt", true);
    String prompt;
    try {
      prompt = compiled.template().render(vars);
    } catch (TemplateException e) {
      throw new ChatPromptException(
          e.kind() == TemplateException.Kind.RAISED ? e.detail() : "chat template failed: " + e.getMessage(), e);
    }
    return continuation == null ? prompt : prompt + continuation;
  }

  private Map<String, Object> normaliseMessage(JsonNode node, int index) throws ChatPromptException {
    if (!node.isObject()) {
      throw new ChatPromptException("messages[" + index + "] must be an object");
    }
    JsonNode role = node.get("role");
    if (role == null || !role.isTextual()) {
      throw new ChatPromptException("messages[" + index + "].role must be a string");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> message = (Map<String, Object>) TemplateValues.fromJson(node);
    message.put("content", content(node.get("content"), index));
    JsonNode toolCalls = node.get("tool_calls");
    if (toolCalls != null && toolCalls.isArray()) {
      message.put("tool_calls", toolCalls(toolCalls, index));
    }
    return message;
  }

  /** String content stays; part arrays are collapsed or kept per the template's content format; null is "". */
  private Object content(JsonNode content, int index) throws ChatPromptException {
    if (content == null || content.isNull()) {
      return "";
    }
    if (content.isTextual()) {
      return content.textValue();
    }
    if (!content.isArray()) {
      throw new ChatPromptException("messages[" + index + "].content must be a string or an array of parts");
    }
    if (compiled.format() == ContentFormat.STRING) {
      StringBuilder text = new StringBuilder();
      for (JsonNode part : content) {
        if ("text".equals(part.path("type").asText()) && part.path("text").isTextual()) {
          if (!text.isEmpty()) {
            text.append(' ');
          }
          text.append(part.get("text").textValue());
        }
      }
      return text.toString();
    }
    List<Object> parts = new ArrayList<>();
    for (JsonNode part : content) {
      String type = part.path("type").asText();
      switch (type) {
        case "image_url", "image" -> parts.add(Map.of("type", "image"));
        case "video_url", "video" -> parts.add(Map.of("type", "video"));
        case "audio_url", "input_audio", "audio" -> parts.add(Map.of("type", "audio"));
        default -> parts.add(TemplateValues.fromJson(part));
      }
    }
    return parts;
  }

  /** Tool-call {@code function.arguments} JSON strings become objects, as transformers-style templates expect. */
  private static List<Object> toolCalls(JsonNode toolCalls, int index) throws ChatPromptException {
    List<Object> out = new ArrayList<>(toolCalls.size());
    for (int i = 0; i < toolCalls.size(); i++) {
      @SuppressWarnings("unchecked")
      Map<String, Object> call = (Map<String, Object>) TemplateValues.fromJson(toolCalls.get(i));
      if (call == null) {
        throw new ChatPromptException("messages[" + index + "].tool_calls[" + i + "] must be an object");
      }
      JsonNode arguments = toolCalls.get(i).path("function").path("arguments");
      if (arguments.isTextual() && call.get("function") instanceof Map<?, ?> function) {
        @SuppressWarnings("unchecked")
        Map<String, Object> fn = (Map<String, Object>) function;
        try {
          fn.put("arguments", TemplateValues.fromJson(JSON.readTree(arguments.textValue())));
        } catch (JsonProcessingException e) {
          throw new ChatPromptException("messages[" + index + "].tool_calls[" + i + "].function.arguments is not valid JSON: "
              + e.getOriginalMessage(), e);
        }
      }
      out.add(call);
    }
    return out;
  }

  /** The request's tools, narrowed by a specific-function or allowed_tools {@code tool_choice}; null if none. */
  static List<Object> tools(JsonNode request) throws ChatPromptException {
    JsonNode tools = request.get("tools");
    if (tools == null || tools.isNull()) {
      return null;
    }
    if (!tools.isArray()) {
      throw new ChatPromptException("'tools' must be an array");
    }
    Set<String> keep = null;
    JsonNode choice = request.path("tool_choice");
    if (choice.isObject() && "function".equals(choice.path("type").asText())) {
      keep = Set.of(choice.path("function").path("name").asText());
    } else if (choice.isObject() && "allowed_tools".equals(choice.path("type").asText())) {
      keep = new HashSet<>();
      JsonNode allowed = choice.path("allowed_tools").path("tools");
      if (!allowed.isArray()) {
        allowed = choice.path("tools");
      }
      for (JsonNode tool : allowed) {
        keep.add(tool.path("function").path("name").asText(tool.path("name").asText()));
      }
    }
    List<Object> out = new ArrayList<>(tools.size());
    for (JsonNode tool : tools) {
      if (keep == null || keep.contains(tool.path("function").path("name").asText())) {
        out.add(TemplateValues.fromJson(tool));
      }
    }
    return out;
  }
}
