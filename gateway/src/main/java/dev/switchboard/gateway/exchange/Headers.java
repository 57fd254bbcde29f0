package dev.switchboard.gateway.exchange;

import io.netty.util.AsciiString;
import io.vertx.core.MultiMap;
import java.util.Map;

/** Which headers cross the gateway, in each direction. */
public final class Headers {
  public static final String REQUEST_ID = "x-request-id";

  /** Hop-by-hop headers (RFC 9110 §7.6.1) plus those the gateway sets itself. */
  private static final String[] NOT_FORWARDED_NAMES = {"connection", "keep-alive", "proxy-authenticate",
      "proxy-authorization", "proxy-connection", "te", "trailer", "trailers", "transfer-encoding", "upgrade", "host",
      "content-length", "authorization", REQUEST_ID, "expect"};
  /** The names above by case-insensitive hash, open addressing: a lookup hashes once and allocates nothing. */
  private static final String[] NOT_FORWARDED = new String[64];
  private static final String[] NO_TOKENS = {};

  static {
    for (String name : NOT_FORWARDED_NAMES) {
      int i = AsciiString.hashCode(name) & (NOT_FORWARDED.length - 1);
      while (NOT_FORWARDED[i] != null) i = (i + 1) & (NOT_FORWARDED.length - 1);
      NOT_FORWARDED[i] = name;
    }
  }

  private Headers() {}

  /**
   * Copies the end-to-end headers of one hop to the next: everything but hop-by-hop headers, Host, length, the
   * request id (the gateway sets its own) and Authorization (a client's key is never a worker's key).
   */
  public static void copyEndToEnd(MultiMap from, MultiMap to) {
    String[] named = connectionTokens(from.get("connection"));
    for (Map.Entry<String, String> e : from) {
      String name = e.getKey();
      if (!notForwarded(name) && !namedIn(named, name)) to.add(name, e.getValue());
    }
  }

  /** Whether {@code name} (any case) is one of the headers that never cross. */
  static boolean notForwarded(String name) {
    int i = AsciiString.hashCode(name) & (NOT_FORWARDED.length - 1);
    String s;
    while ((s = NOT_FORWARDED[i]) != null) {
      if (s.equalsIgnoreCase(name)) return true;
      i = (i + 1) & (NOT_FORWARDED.length - 1);
    }
    return false;
  }

  /** The header names the Connection header lists (such headers are hop-by-hop too); split once per hop. */
  private static String[] connectionTokens(String connection) {
    if (connection == null || connection.isBlank()) return NO_TOKENS;
    String[] tokens = connection.split(",");
    for (int i = 0; i < tokens.length; i++) tokens[i] = tokens[i].strip();
    return tokens;
  }

  private static boolean namedIn(String[] tokens, String name) {
    for (String token : tokens) {
      if (token.equalsIgnoreCase(name)) return true;
    }
    return false;
  }
}
