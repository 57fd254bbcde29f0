package dev.switchboard.sim.pd;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.sim.SimRole;
import dev.switchboard.sim.http.BadRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One element's bootstrap fields: where its prefill's bootstrap endpoint is, and the room pairing the two. */
public record PairingTarget(String host, int port, long room) {

  /** SGLang's default disaggregation bootstrap port, used when the request's port is null. */
  public static final int DEFAULT_BOOTSTRAP_PORT = 8998;

  /**
   * Reads {@code bootstrap_host}, {@code bootstrap_port} and {@code bootstrap_room} (scalars, or arrays with one
   * entry per batch element).
   */
  static List<PairingTarget> parse(JsonNode body, int batchElements, SimRole role, String workerId) {
    JsonNode host = present(body.get("bootstrap_host"));
    JsonNode port = present(body.get("bootstrap_port"));
    JsonNode room = present(body.get("bootstrap_room"));
    String who = role.name().toLowerCase(Locale.ROOT) + " worker " + workerId;
    if (host == null || room == null) {
      throw new BadRequest(who + " requires bootstrap_host, bootstrap_port and bootstrap_room; missing "
          + (host == null ? "bootstrap_host" : "bootstrap_room"));
    }
    int count = room.isArray() ? room.size() : 1;
    if (room.isArray() && count != batchElements) {
      throw new BadRequest(who + ": bootstrap_room has " + count + " entries for a batch of " + batchElements);
    }
    checkLength(host, count, "bootstrap_host", who);
    checkLength(port, count, "bootstrap_port", who);
    List<PairingTarget> targets = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      JsonNode h = host.isArray() ? host.get(i) : host;
      JsonNode p = port != null && port.isArray() ? port.get(i) : port;
      JsonNode r = room.isArray() ? room.get(i) : room;
      if (!h.isTextual() || h.asText().isEmpty()) {
        throw new BadRequest(who + ": bootstrap_host must be a host name");
      }
      int portNumber = DEFAULT_BOOTSTRAP_PORT;
      if (p != null && !p.isNull()) {
        if (!p.canConvertToInt() || p.asInt() < 1 || p.asInt() > 65535) {
          throw new BadRequest(who + ": bootstrap_port must be a port number or null");
        }
        portNumber = p.asInt();
      }
      if (!r.isIntegralNumber() || !r.canConvertToLong() || r.asLong() < 0) {
        throw new BadRequest(who + ": bootstrap_room must be an integer in [0, 2^63-1]");
      }
      targets.add(new PairingTarget(h.asText(), portNumber, r.asLong()));
    }
    return targets;
  }

  private static void checkLength(JsonNode field, int count, String name, String who) {
    if (field != null && field.isArray() && field.size() != count) {
      throw new BadRequest(who + ": " + name + " has " + field.size() + " entries, bootstrap_room has " + count);
    }
  }

  private static JsonNode present(JsonNode node) {
    return node == null || node.isNull() ? null : node;
  }
}
