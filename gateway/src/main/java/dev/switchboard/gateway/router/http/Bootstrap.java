package dev.switchboard.gateway.router.http;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
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
   * The body to send to both workers of a pair: the client's bytes with the three fields added before the closing
   * brace, never re-serialised. Bootstrap fields the client sent itself are cut out first (the scan found where),
   * so the gateway's values are the only ones. A batch ({@link RequestFacts#batchSize()}) gets arrays.
   *
   * @param host the prefill worker's host as in its URL (IPv6 in brackets)
   * @param port the prefill worker's bootstrap port, or {@code null} (sent as JSON null)
   */
  public static Buffer inject(RequestFacts facts, String host, Integer port) {
    int batch = facts.batchSize();
    Buffer body = withoutClientFields(facts.body(), facts.bootstrapRanges());
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

  /** The body with the fields at byte ranges [start, end) cut out, and the comma each leaves over with them. */
  private static Buffer withoutClientFields(Buffer body, int[] ranges) {
    if (ranges == null) return body;
    Buffer out = Buffer.buffer(body.length());
    int from = 0;
    for (int i = 0; i < ranges.length; i += 2) {
      out.appendBuffer(body, from, ranges[i] - from);
      from = ranges[i + 1];
      int next = skipSpace(body, from);
      int lastKept = lastNonSpace(out);
      byte before = lastKept < 0 ? 0 : out.getByte(lastKept);
      if (next < body.length() && body.getByte(next) == ',' && (before == '{' || before == ',')) {
        from = next + 1; // the cut field's trailing comma
      } else if (next < body.length() && body.getByte(next) == '}' && before == ',') {
        out = out.getBuffer(0, lastKept); // the last field went: so does the comma before it
      }
    }
    out.appendBuffer(body, from, body.length() - from);
    return out;
  }

  private static int skipSpace(Buffer b, int i) {
    while (i < b.length() && isSpace(b.getByte(i))) i++;
    return i;
  }

  private static int lastNonSpace(Buffer b) {
    int i = b.length() - 1;
    while (i >= 0 && isSpace(b.getByte(i))) i--;
    return i;
  }

  private static boolean isSpace(byte c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
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
