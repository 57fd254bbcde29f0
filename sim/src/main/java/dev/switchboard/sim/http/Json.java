package dev.switchboard.sim.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The simulator's JSON helpers. */
public final class Json {

  public static final ObjectMapper MAPPER = new ObjectMapper();
  public static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Json() {
  }

  /** Loads and exercises Jackson off the event loop, so the first request does not pay for class loading. */
  public static void warmUp() {
    write(parseOrNull("{\"warm\":[1,\"up\",true,null]}".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  /** Parses a body; {@code null} when it is not valid JSON. */
  public static JsonNode parseOrNull(byte[] body) {
    if (body.length == 0) {
      return null;
    }
    try {
      return MAPPER.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  public static ObjectNode object() {
    return NODES.objectNode();
  }

  public static ArrayNode array() {
    return NODES.arrayNode();
  }

  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** OpenAI-style error body: {@code {"error": {"message", "type", "param": null, "code"}}}. */
  public static String error(int status, String message) {
    ObjectNode error = object();
    error.put("message", message);
    error.put("type", errorType(status));
    error.putNull("param");
    error.put("code", status);
    ObjectNode body = object();
    body.set("error", error);
    return write(body);
  }

  private static String errorType(int status) {
    return switch (status) {
      case 400, 404, 422 -> "invalid_request_error";
      case 401, 403 -> "authentication_error";
      case 429 -> "rate_limit_error";
      case 503 -> "service_unavailable";
      default -> status >= 500 ? "internal_error" : "invalid_request_error";
    };
  }
}
