package dev.switchboard.gateway.router.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.exchange.Endpoint;
import dev.switchboard.gateway.exchange.RequestFacts;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The disaggregation bootstrap fields both halves of a pair must carry: the prefill's host and bootstrap port, and
 * a room that names this one transfer. A batch gets arrays, one fresh room per element.
 */
public final class Bootstrap {
  static final String HOST = "bootstrap_host";
  static final String PORT = "bootstrap_port";
  static final String ROOM = "bootstrap_room";

  private Bootstrap() {}

  /** Uniform in [0, 2^63 − 1], like the reference's {@code random.randint(0, 2**63 - 1)}. */
  public static long newRoom() {
    return ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
  }

  /**
   * How many sequences the request asks for, or 0 for a single request (scalar fields): {@code /generate} with
   * {@code input_ids} as a list of lists or {@code text} as a list; {@code /v1/completions} with a list of prompts
   * (strings or token lists — a flat list of ints is one prompt); {@code /v1/chat/completions} with {@code n > 1}.
   */
  public static int batchSize(RequestFacts facts) {
    return switch (facts.endpoint()) {
      case GENERATE -> {
        ObjectNode body = facts.json();
        JsonNode ids = body.get("input_ids");
        if (ids != null && ids.isArray() && !ids.isEmpty() && ids.get(0).isArray()) yield ids.size();
        JsonNode text = body.get("text");
        yield text != null && text.isArray() ? text.size() : 0;
      }
      case COMPLETIONS -> {
        JsonNode prompt = facts.json().get("prompt");
        boolean list = prompt != null && prompt.isArray() && !prompt.isEmpty()
            && (prompt.get(0).isTextual() || prompt.get(0).isArray());
        yield list ? prompt.size() : 0;
      }
      case CHAT -> facts.n() > 1 ? facts.n() : 0;
      default -> 0;
    };
  }

  /**
   * The body to send to both workers of a pair: the client's JSON with the three fields set. When the client sent
   * none of them (the normal case) the fields are spliced in before the closing brace, so the client's bytes are
   * not re-serialised; otherwise the gateway's values replace the client's.
   *
   * @param host the prefill worker's host as in its URL (IPv6 in brackets)
   * @param port the prefill worker's bootstrap port, or {@code null} (sent as JSON null)
   */
  public static Buffer inject(RequestFacts facts, String host, Integer port) {
    int batch = batchSize(facts);
    Buffer body = facts.body();
    if (contains(body, BOOTSTRAP_KEY_PREFIX)) {
      ObjectNode json = facts.json();
      if (json.has(HOST) || json.has(PORT) || json.has(ROOM)) return rewrite(json, batch, host, port);
    }
    int close = lastBrace(body);
    Buffer out = Buffer.buffer(close + 96 + Math.max(batch, 1) * (24 + host.length()));
    out.appendBuffer(body, 0, close);
    if (!emptyObject(body, close)) out.appendByte((byte) ',');
    byte[] quotedHost = JsonStringEncoder.getInstance().quoteAsUTF8(host);
    String portText = port == null ? "null" : port.toString();
    out.appendString("\"" + HOST + "\":");
    if (batch == 0) {
      out.appendByte((byte) '"').appendBytes(quotedHost).appendByte((byte) '"');
      out.appendString(",\"" + PORT + "\":").appendString(portText);
      out.appendString(",\"" + ROOM + "\":").appendString(Long.toString(newRoom()));
    } else {
      out.appendByte((byte) '[');
      for (int i = 0; i < batch; i++) {
        if (i > 0) out.appendByte((byte) ',');
        out.appendByte((byte) '"').appendBytes(quotedHost).appendByte((byte) '"');
      }
      out.appendString("],\"" + PORT + "\":[");
      for (int i = 0; i < batch; i++) {
        if (i > 0) out.appendByte((byte) ',');
        out.appendString(portText);
      }
      out.appendString("],\"" + ROOM + "\":[");
      for (int i = 0; i < batch; i++) {
        if (i > 0) out.appendByte((byte) ',');
        out.appendString(Long.toString(newRoom()));
      }
      out.appendByte((byte) ']');
    }
    return out.appendByte((byte) '}');
  }

  private static Buffer rewrite(ObjectNode json, int batch, String host, Integer port) {
    ObjectNode copy = json.deepCopy();
    if (batch == 0) {
      copy.put(HOST, host);
      if (port == null) copy.putNull(PORT); else copy.put(PORT, port);
      copy.put(ROOM, newRoom());
    } else {
      ArrayNode hosts = copy.putArray(HOST);
      ArrayNode ports = copy.putArray(PORT);
      ArrayNode rooms = copy.putArray(ROOM);
      for (int i = 0; i < batch; i++) {
        hosts.add(host);
        if (port == null) ports.addNull(); else ports.add(port);
        rooms.add(newRoom());
      }
    }
    try {
      return Buffer.buffer(RequestFacts.JSON.writeValueAsBytes(copy));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final byte[] BOOTSTRAP_KEY_PREFIX = "\"bootstrap_".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private static boolean contains(Buffer body, byte[] needle) {
    int last = body.length() - needle.length;
    outer:
    for (int i = 0; i <= last; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (body.getByte(i + j) != needle[j]) continue outer;
      }
      return true;
    }
    return false;
  }

  /** Whether only whitespace stands between the opening brace and the closing one at {@code close}. */
  private static boolean emptyObject(Buffer body, int close) {
    int i = 0;
    while (body.getByte(i) != '{') i++;
    for (i++; i < close; i++) {
      byte b = body.getByte(i);
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') return false;
    }
    return true;
  }

  /** Index of the object's closing brace; the body was validated as one JSON object with nothing after it. */
  private static int lastBrace(Buffer body) {
    for (int i = body.length() - 1; i >= 0; i--) {
      if (body.getByte(i) == '}') return i;
    }
    throw new IllegalStateException("body is not a JSON object");
  }
}
