package dev.switchboard.gateway.router.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.exchange.Endpoint;
import dev.switchboard.gateway.exchange.RequestFacts;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The prefill worker's {@code meta_info.input_token_logprobs}, per sequence index, and how they go in front of the
 * decode worker's: the decode worker computed only the tail of the prompt, the prefill worker the rest.
 * Only SGLang's native {@code /generate} answers carry {@code meta_info}, so only there is anything merged.
 */
public final class PrefillLogprobs {
  private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
  private static final String DONE = "[DONE]";

  private final Map<Integer, ArrayNode> byIndex;

  private PrefillLogprobs(Map<Integer, ArrayNode> byIndex) {
    this.byIndex = byIndex;
  }

  /** Whether the client asked for logprobs in a form that carries input-token logprobs to merge. */
  public static boolean wanted(RequestFacts facts) {
    return facts.endpoint() == Endpoint.GENERATE && facts.returnLogprob();
  }

  /**
   * Reads the prefill's answer — one JSON document (object or batch array) or, when the request was streamed, an
   * SSE stream whose events each carry one sequence (by {@code index}). For each sequence the last non-empty
   * array wins, which serves workers that repeat the list in every event and those that send it once.
   */
  public static PrefillLogprobs from(Buffer prefillBody) {
    Map<Integer, ArrayNode> out = new HashMap<>();
    if (startsWithData(prefillBody)) {
      SseEvents events = new SseEvents();
      events.feed(prefillBody, e -> collectEvent(e, out));
      collectEvent(events.rest(), out);
    } else {
      JsonNode doc = parse(prefillBody);
      if (doc != null && doc.isArray()) {
        for (int i = 0; i < doc.size(); i++) collect(doc.get(i), i, out);
      } else if (doc != null) {
        collect(doc, 0, out);
      }
    }
    return new PrefillLogprobs(out);
  }

  public boolean isEmpty() {
    return byIndex.isEmpty();
  }

  /**
   * The decode worker's whole (non-streamed) answer with the prefill's logprobs in front; the same buffer when
   * there is nothing to merge or the answer is not JSON.
   */
  public Buffer mergeBody(Buffer decodeBody) {
    if (byIndex.isEmpty()) return decodeBody;
    JsonNode doc = parse(decodeBody);
    boolean changed = false;
    if (doc != null && doc.isArray()) {
      for (int i = 0; i < doc.size(); i++) changed |= merge(doc.get(i), i);
    } else if (doc != null) {
      changed = merge(doc, 0);
    }
    return changed ? write(doc, "", "") : decodeBody;
  }

  /** One decode SSE event with the prefill's logprobs in front; the same buffer when it has none to merge. */
  public Buffer mergeEvent(Buffer event) {
    if (byIndex.isEmpty()) return event;
    String payload = payload(event);
    if (payload == null) return event;
    JsonNode doc = parse(payload);
    if (doc == null || !merge(doc, 0)) return event;
    return write(doc, "data: ", "\n\n");
  }

  private boolean merge(JsonNode result, int position) {
    JsonNode meta = result.path("meta_info");
    JsonNode decode = meta.get("input_token_logprobs");
    if (!(meta instanceof ObjectNode m) || decode == null || !decode.isArray()) return false;
    ArrayNode prefill = byIndex.get(result.path("index").asInt(position));
    if (prefill == null) return false;
    ArrayNode merged = m.arrayNode(prefill.size() + decode.size());
    merged.addAll(prefill);
    merged.addAll((ArrayNode) decode);
    m.set("input_token_logprobs", merged);
    return true;
  }

  private static void collectEvent(Buffer event, Map<Integer, ArrayNode> out) {
    String payload = payload(event);
    if (payload == null) return;
    JsonNode doc = parse(payload);
    if (doc != null) collect(doc, 0, out);
  }

  private static void collect(JsonNode result, int position, Map<Integer, ArrayNode> out) {
    JsonNode logprobs = result.path("meta_info").get("input_token_logprobs");
    if (logprobs instanceof ArrayNode a && !a.isEmpty()) out.put(result.path("index").asInt(position), a);
  }

  /** The JSON text of a {@code data:} event, or {@code null} for anything else (comments, {@code [DONE]}). */
  private static String payload(Buffer event) {
    if (!startsWithData(event)) return null;
    String s = event.toString(StandardCharsets.UTF_8).substring(DATA.length).strip();
    return s.isEmpty() || s.equals(DONE) ? null : s;
  }

  private static boolean startsWithData(Buffer b) {
    if (b.length() < DATA.length) return false;
    for (int i = 0; i < DATA.length; i++) {
      if (b.getByte(i) != DATA[i]) return false;
    }
    return true;
  }

  private static JsonNode parse(Buffer b) {
    try {
      return RequestFacts.JSON.readTree(b.getBytes());
    } catch (IOException e) {
      return null;
    }
  }

  private static JsonNode parse(String s) {
    try {
      return RequestFacts.JSON.readTree(s);
    } catch (IOException e) {
      return null;
    }
  }

  private static Buffer write(JsonNode doc, String prefix, String suffix) {
    try {
      byte[] json = RequestFacts.JSON.writeValueAsBytes(doc);
      return Buffer.buffer(prefix.length() + json.length + suffix.length())
          .appendString(prefix).appendBytes(json).appendString(suffix);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
