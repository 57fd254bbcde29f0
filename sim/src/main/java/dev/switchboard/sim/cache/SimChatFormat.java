package dev.switchboard.sim.cache;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How the simulator turns chat messages into the prompt text it tokenizes with {@link SimTokens}: each message
 * becomes {@code <|role|>} followed by its text, and the prompt ends with {@code <|assistant|>}. A conversation
 * that resends its history (with the previous answers) therefore starts with the previous turn's prompt and
 * output, exactly as with a real chat template.
 */
public final class SimChatFormat {

  public static final String GENERATION_PROMPT = "<|assistant|>";

  private SimChatFormat() {
  }

  /** The prompt text for an OpenAI {@code messages} array. */
  public static String render(JsonNode messages) {
    StringBuilder text = new StringBuilder(256);
    if (messages != null && messages.isArray()) {
      for (JsonNode message : messages) {
        text.append("<|").append(message.path("role").asText("user")).append("|> ");
        appendContent(text, message.get("content"));
        text.append(' ');
      }
    }
    return text.append(GENERATION_PROMPT).toString();
  }

  /** Token count of a rendered chat whose messages have these (role, content) pairs; for building workloads. */
  public static int tokenCount(String... roleContentPairs) {
    if (roleContentPairs.length % 2 != 0) {
      throw new IllegalArgumentException("role/content pairs expected");
    }
    int count = 1;
    for (int i = 0; i < roleContentPairs.length; i += 2) {
      count += 1 + SimTokens.count(roleContentPairs[i + 1]);
    }
    return count;
  }

  private static void appendContent(StringBuilder text, JsonNode content) {
    if (content == null || content.isNull()) {
      return;
    }
    if (content.isTextual()) {
      text.append(content.asText());
      return;
    }
    if (content.isArray()) {
      for (JsonNode part : content) {
        if (part.isTextual()) {
          text.append(part.asText()).append(' ');
        } else if (part.has("text")) {
          text.append(part.get("text").asText()).append(' ');
        }
      }
    }
  }
}
