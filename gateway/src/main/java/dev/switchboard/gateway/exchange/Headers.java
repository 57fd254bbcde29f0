package dev.switchboard.gateway.exchange;

import io.vertx.core.MultiMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Which headers cross the gateway, in each direction. */
public final class Headers {
  public static final String REQUEST_ID = "x-request-id";
  public static final String SERVED_BY = "x-served-by";

  /** Hop-by-hop headers (RFC 9110 §7.6.1) plus those the gateway sets itself. */
  private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-authenticate",
      "proxy-authorization", "proxy-connection", "te", "trailer", "trailers", "transfer-encoding", "upgrade", "host",
      "content-length", "authorization", REQUEST_ID, "expect");

  private Headers() {}

  /**
   * Copies the end-to-end headers of one hop to the next: everything but hop-by-hop headers, Host, length, the
   * request id (the gateway sets its own) and Authorization (a client's key is never a worker's key).
   */
  public static void copyEndToEnd(MultiMap from, MultiMap to) {
    for (Map.Entry<String, String> e : from) {
      if (forwardable(e.getKey(), from)) to.add(e.getKey(), e.getValue());
    }
  }

  private static boolean forwardable(String name, MultiMap headers) {
    String k = name.toLowerCase(Locale.ROOT);
    if (NOT_FORWARDED.contains(k)) return false;
    // Headers the Connection header names are hop-by-hop too.
    String connection = headers.get("connection");
    if (connection != null) {
      for (String token : connection.split(",")) {
        if (token.strip().equalsIgnoreCase(k)) return false;
      }
    }
    return true;
  }
}
