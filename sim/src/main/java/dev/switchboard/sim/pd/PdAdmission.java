package dev.switchboard.sim.pd;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.sim.SimRole;
import dev.switchboard.sim.SimStats;
import dev.switchboard.sim.http.BadRequest;
import dev.switchboard.sim.http.SimHttpServer;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * PD pairing of HTTP inference requests: a prefill worker records the request's bootstrap rooms; a decode worker
 * proceeds only once the prefill at each element's bootstrap host:port has seen that element's room.
 */
public final class PdAdmission implements SimHttpServer.Admission {

  private final SimRole role;
  private final Supplier<String> workerId;
  private final BootstrapRooms rooms;
  private final BootstrapClient client;
  private final SimStats stats;

  /** @param rooms prefill only; @param client decode only */
  public PdAdmission(SimRole role, Supplier<String> workerId, BootstrapRooms rooms, BootstrapClient client,
      SimStats stats) {
    this.role = role;
    this.workerId = workerId;
    this.rooms = rooms;
    this.client = client;
    this.stats = stats;
  }

  @Override
  public Future<Void> admit(String path, JsonNode body) {
    if (role == SimRole.REGULAR) {
      return Future.succeededFuture();
    }
    List<PairingTarget> targets;
    try {
      targets = PairingTarget.parse(body, batchElements(path, body), role, workerId.get());
    } catch (BadRequest bad) {
      if (role == SimRole.DECODE) {
        stats.countBootstrapFailure();
      }
      return Future.failedFuture(bad);
    }
    if (role == SimRole.PREFILL) {
      List<Long> seen = new ArrayList<>(targets.size());
      targets.forEach(t -> seen.add(t.room()));
      rooms.register(seen);
      return Future.succeededFuture();
    }
    List<Future<Void>> checks = new ArrayList<>(targets.size());
    for (PairingTarget target : targets) {
      checks.add(client.awaitRoom(target.host(), target.port(), target.room()));
    }
    return Future.all(checks).<Void>mapEmpty().onFailure(e -> stats.countBootstrapFailure());
  }

  /** How many sequences the request expands to, which is how many rooms a batch must carry. */
  static int batchElements(String path, JsonNode body) {
    switch (path) {
      case "/generate" -> {
        JsonNode text = body.get("text");
        if (text != null && text.isArray()) {
          return text.size();
        }
        JsonNode ids = body.get("input_ids");
        if (ids != null && ids.isArray() && !ids.isEmpty() && ids.get(0).isArray()) {
          return ids.size();
        }
        return 1;
      }
      case "/v1/chat/completions" -> {
        return Math.max(1, body.path("n").asInt(1));
      }
      case "/v1/completions" -> {
        JsonNode prompt = body.get("prompt");
        if (prompt != null && prompt.isArray() && !prompt.isEmpty() && !prompt.get(0).isNumber()) {
          return prompt.size();
        }
        return 1;
      }
      default -> {
        return 1;
      }
    }
  }
}
