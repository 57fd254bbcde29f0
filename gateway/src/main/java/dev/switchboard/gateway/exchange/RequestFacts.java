package dev.switchboard.gateway.exchange;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.policy.SelectionContext;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What routing needs to know about one inference request, read once from the body without building a tree:
 * {@code model}, {@code stream}, {@code user}, {@code n}. The full JSON tree and the routing text are built only
 * if a router or policy asks for them, and then only once.
 */
public final class RequestFacts implements SelectionContext {
  public static final ObjectMapper JSON = new ObjectMapper();

  static {
    JSON.getFactory().setStreamReadConstraints(RequestLimits.CONSTRAINTS);
  }

  private final Endpoint endpoint;
  private final Buffer body;
  private final MultiMap headers;
  private String model;
  private boolean stream;
  private String user;
  private int n = 1;
  private Integer priority;

  private ObjectNode tree;
  private String routingText;

  private RequestFacts(Endpoint endpoint, Buffer body, MultiMap headers) {
    this.endpoint = endpoint;
    this.body = body;
    this.headers = headers;
  }

  /**
   * Scans the body; throws {@link BadRequestException} when it is empty, not JSON, not an object, or when a field
   * routing reads has the wrong type.
   */
  public static RequestFacts scan(Endpoint endpoint, Buffer body, MultiMap headers) {
    RequestFacts f = new RequestFacts(endpoint, body, headers);
    f.scan();
    return f;
  }

  private void scan() {
    if (body == null || body.length() == 0) throw bad("request body is empty; expected a JSON object");
    try (JsonParser p = JSON.getFactory().createParser(body.getBytes())) {
      JsonToken first = p.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw bad("request body must be a JSON object, not " + describe(first));
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        switch (name) {
          case "model" -> model = v == JsonToken.VALUE_NULL ? null : stringField(p, v, "model");
          case "stream" -> stream = booleanField(v, "stream");
          case "user" -> user = v == JsonToken.VALUE_NULL ? null : stringField(p, v, "user");
          case "n" -> n = v == JsonToken.VALUE_NULL ? 1 : intField(p, v, "n");
          case "priority" -> priority = v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT
              ? p.getIntValue() : priorityField(p, v);
          default -> {
            if (!RequestLimits.check(p, name, v)) p.skipChildren();
          }
        }
      }
      if (t != JsonToken.END_OBJECT) throw bad("request body is not valid JSON");
      if (p.nextToken() != null) throw bad("request body has data after the JSON object");
    } catch (StreamConstraintsException e) {
      throw bad("request body exceeds the gateway's JSON limits: " + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw bad("request body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String describe(JsonToken t) {
    if (t == null) return "nothing";
    return switch (t) {
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.toString();
    };
  }

  private static String stringField(JsonParser p, JsonToken v, String name) throws IOException {
    if (v != JsonToken.VALUE_STRING) throw new BadRequestException(OpenAiError.badRequest("'" + name + "' must be a string, not " + describe(v), name));
    return p.getText();
  }

  private static boolean booleanField(JsonToken v, String name) {
    return switch (v) {
      case VALUE_TRUE -> true;
      case VALUE_FALSE, VALUE_NULL -> false;
      default -> throw new BadRequestException(OpenAiError.badRequest("'" + name + "' must be a boolean, not " + describe(v), name));
    };
  }

  private static int intField(JsonParser p, JsonToken v, String name) throws IOException {
    if (v != JsonToken.VALUE_NUMBER_INT) throw new BadRequestException(OpenAiError.badRequest("'" + name + "' must be an integer, not " + describe(v), name));
    if (p.getNumberType() != JsonParser.NumberType.INT) {
      throw new BadRequestException(OpenAiError.badRequest("'" + name + "' is out of range: " + p.getText(), name));
    }
    int value = p.getIntValue();
    if (value > RequestLimits.MAX_N && name.equals("n")) throw RequestLimits.tooManyChoices(value);
    if (value < 1) throw new BadRequestException(OpenAiError.badRequest("'" + name + "' must be at least 1", name));
    return value;
  }

  /** {@code priority} of any other shape: null stays unset, anything else is refused. */
  private static Integer priorityField(JsonParser p, JsonToken v) throws IOException {
    if (v == JsonToken.VALUE_NULL) return null;
    throw new BadRequestException(OpenAiError.badRequest("'priority' must be a 32-bit integer, not " + describe(v)
        + (v == JsonToken.VALUE_NUMBER_INT ? " " + p.getText() : ""), "priority"));
  }

  private static BadRequestException bad(String message) {
    return new BadRequestException(OpenAiError.badRequest(message));
  }

  public Endpoint endpoint() { return endpoint; }
  public Buffer body() { return body; }
  public MultiMap headers() { return headers; }
  /** The body's {@code model}, or {@code null} when absent. */
  @Override public String model() { return model; }
  public boolean stream() { return stream; }
  @Override public String user() { return user; }
  public int n() { return n; }
  /** The body's {@code priority} (SGLang's: higher is served first), or null. */
  public Integer priority() { return priority; }

  @Override
  public String header(String name) {
    return headers.get(name);
  }

  /** The parsed body; built on first call. Callers that change it must copy it first ({@link ObjectNode#deepCopy}). */
  public ObjectNode json() {
    if (tree == null) {
      try {
        tree = (ObjectNode) JSON.readTree(body.getBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e); // scan() already proved the body is a JSON object
      }
    }
    return tree;
  }

  @Override
  public String routingText() {
    if (routingText == null) routingText = RoutingText.of(endpoint, json());
    return routingText;
  }

  /** Routing text computed elsewhere (the gRPC routers match on the rendered prompt). */
  public void routingText(String text) {
    this.routingText = text;
  }
}
