package dev.switchboard.gateway.worker;

import java.util.Objects;

/**
 * Where a worker publishes its KV-cache events (vLLM's and SGLang's {@code --kv-events-config}): a ZeroMQ PUB
 * endpoint, an optional replay (ROUTER) endpoint, and the topic its messages carry.
 *
 * @param endpoint {@code tcp://host:port} of the PUB socket
 * @param replayEndpoint {@code tcp://host:port} of the replay socket, or {@code null}
 * @param topic the topic prefix to subscribe to ("" = every message)
 */
public record KvEventsSpec(String endpoint, String replayEndpoint, String topic) {
  public KvEventsSpec {
    Objects.requireNonNull(endpoint, "endpoint");
    topic = topic == null ? "" : topic;
  }

  /** Why {@code endpoint} is not a connectable {@code tcp://host:port}, or {@code null} when it is. */
  public static String problemWith(String endpoint) {
    if (endpoint == null || !endpoint.startsWith("tcp://")) return "'" + endpoint + "' must be tcp://host:port";
    String rest = endpoint.substring("tcp://".length());
    int colon = rest.lastIndexOf(':');
    if (colon <= 0) return "'" + endpoint + "' needs a host and a port (tcp://host:port)";
    String host = rest.substring(0, colon);
    if (host.equals("*")) return "'" + endpoint + "' is a bind address; give the worker's host name or address";
    try {
      int port = Integer.parseInt(rest.substring(colon + 1));
      if (port < 1 || port > 65535) return "'" + endpoint + "' has port " + port + " out of range [1, 65535]";
    } catch (NumberFormatException e) {
      return "'" + endpoint + "' has no numeric port";
    }
    return null;
  }
}
