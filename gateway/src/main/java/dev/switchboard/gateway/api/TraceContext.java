package dev.switchboard.gateway.api;

import io.vertx.core.http.HttpServerRequest;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * W3C trace context: a request keeps the client's valid {@code traceparent}, or gets a new one (a new trace,
 * sampled). It is set on the request's own headers, so everything downstream reads one value: HTTP workers get it
 * with the end-to-end headers, gRPC workers as metadata, and the access log its trace id.
 */
final class TraceContext {
  static final String HEADER = "traceparent";
  private static final HexFormat HEX = HexFormat.of();

  private TraceContext() {}

  /** Makes sure the request carries a valid {@code traceparent}; returns it. */
  static String ensure(HttpServerRequest request) {
    String given = request.getHeader(HEADER);
    if (valid(given)) return given;
    String fresh = create();
    request.headers().set(HEADER, fresh);
    return fresh;
  }

  /** {@code 00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>}; a later version may append fields. */
  static boolean valid(String v) {
    if (v == null || v.length() < 55 || (v.length() > 55 && v.charAt(55) != '-')) return false;
    if (v.charAt(2) != '-' || v.charAt(35) != '-' || v.charAt(52) != '-') return false;
    if (!hex(v, 0, 2) || !hex(v, 3, 35) || !hex(v, 36, 52) || !hex(v, 53, 55)) return false;
    if (v.startsWith("ff") || (v.startsWith("00") && v.length() != 55)) return false;
    return !zeros(v, 3, 35) && !zeros(v, 36, 52);
  }

  /** The trace id of a valid {@code traceparent}. */
  static String traceId(String traceparent) {
    return traceparent.substring(3, 35);
  }

  static String create() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long hi;
    long lo;
    long span;
    do {
      hi = r.nextLong();
      lo = r.nextLong();
    } while (hi == 0 && lo == 0);
    do {
      span = r.nextLong();
    } while (span == 0);
    return "00-" + HEX.toHexDigits(hi) + HEX.toHexDigits(lo) + "-" + HEX.toHexDigits(span) + "-01";
  }

  private static boolean hex(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
  }

  private static boolean zeros(String s, int from, int to) {
    for (int i = from; i < to; i++) if (s.charAt(i) != '0') return false;
    return true;
  }
}
