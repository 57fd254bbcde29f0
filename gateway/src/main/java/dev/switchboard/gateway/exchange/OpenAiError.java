package dev.switchboard.gateway.exchange;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * An error in OpenAI's shape: {@code {"error": {"message", "type", "param", "code"}}}, with its HTTP status.
 * Every error the gateway itself produces goes through here, so clients can parse all of them the same way.
 */
public record OpenAiError(int status, String message, String type, String param, String code) {
  private static final JsonFactory JSON = new JsonFactory();

  public static OpenAiError badRequest(String message) {
    return new OpenAiError(400, message, "invalid_request_error", null, null);
  }

  public static OpenAiError badRequest(String message, String param) {
    return new OpenAiError(400, message, "invalid_request_error", param, null);
  }

  public static OpenAiError unauthorized(String message) {
    return new OpenAiError(401, message, "authentication_error", null, "invalid_api_key");
  }

  public static OpenAiError modelNotFound(String message) {
    return new OpenAiError(404, message, "invalid_request_error", "model", "model_not_found");
  }

  public static OpenAiError notFound(String message) {
    return new OpenAiError(404, message, "invalid_request_error", null, "not_found");
  }

  public static OpenAiError payloadTooLarge(String message) {
    return new OpenAiError(413, message, "invalid_request_error", null, "payload_too_large");
  }

  public static OpenAiError notImplemented(String message) {
    return new OpenAiError(501, message, "not_implemented", null, null);
  }

  public static OpenAiError unavailable(String message) {
    return new OpenAiError(503, message, "service_unavailable", null, "no_available_workers");
  }

  public static OpenAiError badGateway(String message) {
    return new OpenAiError(502, message, "upstream_error", null, "worker_unreachable");
  }

  public static OpenAiError gatewayTimeout(String message) {
    return new OpenAiError(504, message, "upstream_error", null, "worker_timeout");
  }

  public static OpenAiError internal(String message) {
    return new OpenAiError(500, message, "internal_error", null, null);
  }

  /** The JSON body. */
  public Buffer toBuffer() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128 + message.length());
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeObjectFieldStart("error");
      g.writeStringField("message", message);
      g.writeStringField("type", type);
      g.writeStringField("param", param);
      g.writeStringField("code", code);
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Buffer.buffer(out.toByteArray());
  }

  /** The same error as one SSE event, for failures after a stream has started. */
  public Buffer toSseEvent() {
    return Buffer.buffer("data: ").appendBuffer(toBuffer()).appendString("\n\n");
  }
}
