package dev.switchboard.sim.grpc;

import dev.switchboard.protocol.scheduler.DisaggregatedParams;
import dev.switchboard.protocol.scheduler.GenerateRequest;
import dev.switchboard.sim.SimRole;
import dev.switchboard.sim.SimStats;
import dev.switchboard.sim.pd.BootstrapClient;
import dev.switchboard.sim.pd.BootstrapRooms;
import dev.switchboard.sim.pd.PairingTarget;
import io.vertx.core.Future;
import java.util.List;
import java.util.Locale;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/** PD pairing of Generate RPCs through DisaggregatedParams and the same bootstrap endpoint as over HTTP. */
final class GrpcPairing {

  private final SimRole role;
  private final Supplier<String> workerId;
  private final BootstrapRooms rooms;
  private final BootstrapClient client;
  private final SimStats stats;
  private final IntSupplier bootstrapPort;

  GrpcPairing(SimRole role, Supplier<String> workerId, BootstrapRooms rooms, BootstrapClient client,
        SimStats stats, IntSupplier bootstrapPort) {
    this.role = role;
    this.workerId = workerId;
    this.rooms = rooms;
    this.client = client;
    this.stats = stats;
    this.bootstrapPort = bootstrapPort;
  }

  int bootstrapPort() {
    return bootstrapPort.getAsInt();
  }

  Future<Void> admit(GenerateRequest request) {
    if (role == SimRole.REGULAR) {
      return Future.succeededFuture();
    }
    DisaggregatedParams params = request.getDisaggregatedParams();
    if (!request.hasDisaggregatedParams() || params.getBootstrapHost().isEmpty()) {
      if (role == SimRole.DECODE) {
        stats.countBootstrapFailure();
      }
      return Future.failedFuture(new InvalidRequest(role.name().toLowerCase(Locale.ROOT) + " worker "
          + workerId.get() + " requires disaggregated_params (bootstrap_host, bootstrap_port, bootstrap_room)"));
    }
    int port = params.getBootstrapPort() == 0 ? PairingTarget.DEFAULT_BOOTSTRAP_PORT : params.getBootstrapPort();
    long room = params.getBootstrapRoom();
    if (role == SimRole.PREFILL) {
      rooms.register(List.of(room));
      return Future.succeededFuture();
    }
    return client.awaitRoom(params.getBootstrapHost(), port, room).onFailure(e -> stats.countBootstrapFailure());
  }

  /** A request that can never pair (answered as 400). */
  static final class InvalidRequest extends RuntimeException {
    InvalidRequest(String message) {
      super(message, null, false, false);
    }
  }
}
