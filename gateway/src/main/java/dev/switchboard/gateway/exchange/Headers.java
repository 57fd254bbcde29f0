package dev.switchboard.gateway.exchange;

import io.vertx.core.MultiMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Which headers cross the gateway, in each direction. */
public final class Headers {
  public static final String REQUEST_ID = "x-request-id";

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
    String connection = from.get("connection");
    for (Map.Entry<String, String> e : from) {
      String name = e.getKey().toLowerCase(Locale.ROOT);
      if (!NOT_FORWARDED.contains(name) && !namedIn(connection, name)) to.add(e.getKey(), e.getValue());
    }
  }

  /** Whether the Connection header lists {@code name}: such headers are hop-by-hop too. */
  private static boolean namedIn(String connection, String name) {
    if (connection == null) return false;
    for (String token : connection.split(",")) {
      if (token.strip().equalsIgnoreCase(name)) return true;
    }
    return false;
  }
}
