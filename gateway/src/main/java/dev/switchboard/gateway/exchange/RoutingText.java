package dev.switchboard.gateway.exchange;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The text prefix-aware policies see for a request: what a worker's prefix cache would see, in order. */
final class RoutingText {
  private RoutingText() {}

  static String of(Endpoint endpoint, ObjectNode body) {
    StringBuilder sb = new StringBuilder();
    switch (endpoint) {
      case CHAT -> {
        for (JsonNode m : body.path("messages")) appendContent(sb, m.get("content"));
      }
      case COMPLETIONS -> appendContent(sb, body.get("prompt"));
      case GENERATE -> {
        if (body.hasNonNull("text")) appendContent(sb, body.get("text"));
        else appendIds(sb, body.get("input_ids"));
      }
      case EMBEDDINGS -> appendContent(sb, body.get("input"));
      case RERANK -> appendContent(sb, body.get("query"));
      case RESPONSES -> {
        appendContent(sb, body.get("instructions"));
        JsonNode input = body.get("input");
        if (input != null && input.isArray()) {
          for (JsonNode item : input) appendContent(sb, item.has("content") ? item.get("content") : item);
        } else {
          appendContent(sb, input);
        }
      }
    }
    return sb.toString();
  }

  /** Strings, arrays of strings, and content parts ({@code {"type": "text", "text": ...}}), space-separated. */
  private static void appendContent(StringBuilder sb, JsonNode n) {
    if (n == null || n.isNull()) return;
    if (n.isTextual()) {
      if (!sb.isEmpty()) sb.append(' ');
      sb.append(n.textValue());
    } else if (n.isArray()) {
      for (JsonNode e : n) appendContent(sb, e);
    } else if (n.isObject() && n.has("text")) {
      appendContent(sb, n.get("text"));
    }
  }

  private static void appendIds(StringBuilder sb, JsonNode ids) {
    if (ids == null) return;
    if (ids.isArray()) {
      for (JsonNode e : ids) appendIds(sb, e);
    } else if (ids.isNumber()) {
      if (!sb.isEmpty()) sb.append(' ');
      sb.append(ids.asLong());
    }
  }
}
