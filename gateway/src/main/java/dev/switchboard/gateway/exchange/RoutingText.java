package dev.switchboard.gateway.exchange;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The text prefix-aware policies see for a request — what a worker's prefix cache would see, in order — read with a
 * streaming parser from the byte ranges {@link RequestFacts} found, so no JSON tree is built for it.
 */
final class RoutingText {
  private RoutingText() {}

  static String of(Endpoint endpoint, byte[] body, int[] ranges) {
    StringBuilder sb = new StringBuilder();
    try {
      switch (endpoint) {
        case CHAT -> {
          JsonParser p = open(body, ranges, 0);
          if (p != null && p.currentToken() == JsonToken.START_ARRAY) {
            for (JsonToken m = p.nextToken(); m != JsonToken.END_ARRAY; m = p.nextToken()) {
              if (m == JsonToken.START_OBJECT) field(p, "content", sb);
              else p.skipChildren();
            }
          }
        }
        case GENERATE -> {
          JsonParser text = open(body, ranges, 0);
          if (text != null && text.currentToken() != JsonToken.VALUE_NULL) content(text, sb);
          else ids(open(body, ranges, 1), sb);
        }
        case RESPONSES -> {
          content(open(body, ranges, 0), sb);
          JsonParser input = open(body, ranges, 1);
          if (input != null && input.currentToken() == JsonToken.START_ARRAY) {
            for (JsonToken item = input.nextToken(); item != JsonToken.END_ARRAY; item = input.nextToken()) responseItem(input, sb);
          } else {
            content(input, sb);
          }
        }
        default -> content(open(body, ranges, 0), sb);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // the scan already proved these bytes are valid JSON
    }
    return sb.toString();
  }

  /** A parser on the value of routing field {@code index}, positioned on its first token; null when absent. */
  private static JsonParser open(byte[] body, int[] ranges, int index) throws IOException {
    int start = ranges[index * 2];
    if (start < 0) return null;
    JsonParser p = RequestFacts.JSON.getFactory().createParser(body, start, ranges[index * 2 + 1] - start);
    p.nextToken();
    return p;
  }

  /** Strings, arrays of them, and content parts ({@code {"type": "text", "text": ...}}), space-separated. */
  private static void content(JsonParser p, StringBuilder sb) throws IOException {
    if (p == null) return;
    switch (p.currentToken()) {
      case VALUE_STRING -> append(sb, p.getText());
      case START_ARRAY -> {
        while (p.nextToken() != JsonToken.END_ARRAY) content(p, sb);
      }
      case START_OBJECT -> field(p, "text", sb);
      default -> p.skipChildren();
    }
  }

  /** Inside an object: the content of field {@code name}; the parser ends on the object's END_OBJECT. */
  private static void field(JsonParser p, String name, StringBuilder sb) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      boolean wanted = name.equals(p.currentName());
      p.nextToken();
      if (wanted) content(p, sb);
      else p.skipChildren();
    }
  }

  /** A Responses API input item: its {@code content} when it has one, else the item itself as content. */
  private static void responseItem(JsonParser p, StringBuilder sb) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      content(p, sb);
      return;
    }
    StringBuilder content = null;
    StringBuilder text = new StringBuilder();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      if (name.equals("content")) content(p, content = new StringBuilder());
      else if (name.equals("text")) content(p, text);
      else p.skipChildren();
    }
    append(sb, content != null ? content : text);
  }

  private static void ids(JsonParser p, StringBuilder sb) throws IOException {
    if (p == null) return;
    switch (p.currentToken()) {
      case START_ARRAY -> {
        while (p.nextToken() != JsonToken.END_ARRAY) ids(p, sb);
      }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> append(sb, Long.toString(p.getValueAsLong()));
      default -> p.skipChildren();
    }
  }

  private static void append(StringBuilder sb, CharSequence text) {
    if (text.isEmpty() && !(text instanceof String)) return;
    if (!sb.isEmpty()) sb.append(' ');
    sb.append(text);
  }
}
