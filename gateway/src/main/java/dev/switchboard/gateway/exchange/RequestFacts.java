package dev.switchboard.gateway.exchange;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.policy.SelectionContext;
import dev.switchboard.gateway.policy.WorkerConstraints;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What every router needs to know about one inference request, gathered in one streaming scan of the body (no
 * tree): {@code model}, {@code stream}, {@code user}, {@code n}, the batch size, whether input logprobs are asked
 * for, where the routing text and any client-sent bootstrap fields sit in the bytes, and the client's worker
 * constraints. The JSON tree and the routing text are built only when a router or policy asks, and then once.
 */
public final class RequestFacts implements SelectionContext {
  public static final ObjectMapper JSON = new ObjectMapper();

  static {
    JSON.getFactory().setStreamReadConstraints(RequestLimits.CONSTRAINTS);
  }

  private final Endpoint endpoint;
  private final Buffer body;
  private final byte[] bytes;
  private final MultiMap headers;
  private String model;
  private boolean stream;
  private String user;
  private int n = 1;
  private Integer priority;
  private int batchSize;
  private boolean returnLogprob;
  private WorkerConstraints constraints = WorkerConstraints.NONE;
  /** Byte ranges [start, end) of each routing-text field, by {@link Endpoint#routingTextFields()} index; -1 = absent. */
  private final int[] routingRanges;
  /** Byte ranges [start, end) of the top-level bootstrap fields the client sent (name to value); null when none. */
  private int[] bootstrapRanges;

  private ObjectNode tree;
  private String routingText;
  private int[] tokenIds;

  private RequestFacts(Endpoint endpoint, Buffer body, MultiMap headers) {
    this.endpoint = endpoint;
    this.body = body;
    this.bytes = body == null ? new byte[0] : body.getBytes();
    this.headers = headers;
    this.routingRanges = new int[endpoint.routingTextFields().length * 2];
    java.util.Arrays.fill(routingRanges, -1);
  }

  /**
   * Scans the body and the constraint headers; throws {@link BadRequestException} when the body is empty, not JSON,
   * not an object, when a field routing reads has the wrong type or range, or when a constraint header is malformed.
   */
  public static RequestFacts scan(Endpoint endpoint, Buffer body, MultiMap headers) {
    RequestFacts f = new RequestFacts(endpoint, body, headers);
    f.scan();
    try {
      f.constraints = WorkerConstraints.of(f);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(OpenAiError.badRequest(e.getMessage()));
    }
    return f;
  }

  private void scan() {
    if (bytes.length == 0) throw bad("request body is empty; expected a JSON object");
    try (JsonParser p = JSON.getFactory().createParser(bytes)) {
      JsonToken first = p.nextToken();
      if (first != JsonToken.START_OBJECT) throw bad("request body must be a JSON object, not " + describe(first));
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        int nameStart = (int) p.currentTokenLocation().getByteOffset();
        JsonToken v = p.nextToken();
        int valueStart = (int) p.currentTokenLocation().getByteOffset();
        switch (name) {
          case "model" -> model = v == JsonToken.VALUE_NULL ? null : stringField(p, v, "model");
          case "stream" -> stream = booleanField(v, "stream");
          case "user" -> user = v == JsonToken.VALUE_NULL ? null : stringField(p, v, "user");
          case "n" -> n = v == JsonToken.VALUE_NULL ? 1 : intField(p, v, "n");
          case "return_logprob" -> returnLogprob |= anyTrue(p, v);
          case "priority" -> priority = v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT
              ? p.getIntValue() : priorityField(p, v);
          case "bootstrap_host", "bootstrap_port", "bootstrap_room" -> {
            p.skipChildren();
            bootstrapField(nameStart, end(p));
            continue;
          }
          default -> {
            int index = endpoint.routingTextIndex(name);
            if (index >= 0) {
              int count = countBatch(p, v, name);
              if (count > 0) batchSize = count;
              routingRanges[index * 2] = valueStart;
              routingRanges[index * 2 + 1] = end(p);
              continue;
            }
            if (!RequestLimits.check(p, name, v)) p.skipChildren();
          }
        }
      }
      if (t != JsonToken.END_OBJECT) throw bad("request body is not valid JSON");
      if (p.nextToken() != null) throw bad("request body has data after the JSON object");
    } catch (StreamConstraintsException e) {
      throw bad("request body exceeds the gateway's JSON limits: " + e.getOriginalMessage());
    } catch (InputCoercionException e) {
      throw bad("a number in the request body is out of range: " + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw bad("request body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (endpoint == Endpoint.CHAT && n > 1) batchSize = n;
  }

  /** The offset just past the value the parser is on (strings are decoded lazily: finish them first). */
  private static int end(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_STRING) p.finishToken();
    return (int) p.currentLocation().getByteOffset();
  }

  /**
   * Leaves the parser after the value and returns how many sequences it asks for, or 0 for one: {@code input_ids}
   * as a list of lists, {@code text} as a list, {@code prompt} as a list of strings or of token lists.
   */
  private int countBatch(JsonParser p, JsonToken v, String field) throws IOException {
    if (v == JsonToken.START_ARRAY && field.equals("input")) {
      RequestLimits.check(p, field, v); // embedding inputs: capped, not a generation batch
      return 0;
    }
    if (v != JsonToken.START_ARRAY || !(field.equals("input_ids") || field.equals("text") || field.equals("prompt"))) {
      p.skipChildren();
      return 0;
    }
    JsonToken e = p.nextToken();
    if (e == JsonToken.END_ARRAY) return 0;
    boolean batch = switch (field) {
      case "input_ids" -> e == JsonToken.START_ARRAY;
      case "text" -> true;
      default -> e == JsonToken.VALUE_STRING || e == JsonToken.START_ARRAY;
    };
    int count = 0;
    for (; e != JsonToken.END_ARRAY; e = p.nextToken()) {
      if (e == null) throw bad("request body is not valid JSON");
      p.skipChildren();
      count++;
    }
    if (batch && count > RequestLimits.MAX_BATCH) throw RequestLimits.batchTooLarge(field);
    return batch ? count : 0;
  }

  /** Records where a client-sent bootstrap field sits, so PD can cut it out and set its own. */
  private void bootstrapField(int nameStart, int valueEnd) {
    int[] r = bootstrapRanges == null ? new int[2] : java.util.Arrays.copyOf(bootstrapRanges, bootstrapRanges.length + 2);
    r[r.length - 2] = nameStart;
    r[r.length - 1] = valueEnd;
    bootstrapRanges = r;
  }

  private static boolean anyTrue(JsonParser p, JsonToken v) throws IOException {
    if (v == JsonToken.VALUE_TRUE) return true;
    if (v != JsonToken.START_ARRAY) {
      p.skipChildren();
      return false;
    }
    boolean any = false;
    for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY && e != null; e = p.nextToken()) {
      any |= e == JsonToken.VALUE_TRUE;
      p.skipChildren();
    }
    return any;
  }

  private static String describe(JsonToken t) {
    if (t == null) return "nothing";
    return switch (t) {
      case START_ARRAY -> "an array";
      case START_OBJECT -> "an object";
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
    if (p.getNumberType() != JsonParser.NumberType.INT) throw new BadRequestException(OpenAiError.badRequest("'" + name + "' is out of range", name));
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
  /** Sequences in one request: a {@code /generate} or completions batch, or chat's {@code n > 1}; 0 for a single one. */
  public int batchSize() { return batchSize; }
  /** Whether {@code return_logprob} is true (for a batch: for any element). */
  public boolean returnLogprob() { return returnLogprob; }
  /** What the client demands of its worker ({@code x-worker-priority}, {@code x-max-cost}), parsed once. */
  public WorkerConstraints constraints() { return constraints; }
  /** Byte ranges [start, end) of the top-level bootstrap fields the client sent (name to value), or {@code null}. */
  public int[] bootstrapRanges() { return bootstrapRanges; }

  @Override
  public String header(String name) {
    return headers.get(name);
  }

  /** The parsed body; built on first call. Callers that change it must copy it first ({@link ObjectNode#deepCopy}). */
  public ObjectNode json() {
    if (tree == null) {
      try {
        tree = (ObjectNode) JSON.readTree(bytes);
      } catch (IOException e) {
        throw new UncheckedIOException(e); // scan() already proved the body is a JSON object
      }
    }
    return tree;
  }

  @Override
  public String routingText() {
    if (routingText == null) routingText = RoutingText.of(endpoint, bytes, routingRanges);
    return routingText;
  }

  @Override
  public int[] tokenIds(dev.switchboard.gateway.policy.PromptEncoder encoder) {
    if (tokenIds == null) tokenIds = encoder.encode(model, endpoint.path(), json());
    return tokenIds;
  }

  /** Routing text computed elsewhere (the gRPC routers match on the rendered prompt). */
  public void routingText(String text) {
    this.routingText = text;
  }
}
