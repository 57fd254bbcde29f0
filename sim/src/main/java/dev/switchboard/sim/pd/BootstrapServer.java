package dev.switchboard.sim.pd;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * The prefill worker's bootstrap endpoint: {@code GET /bootstrap/room/<room>?wait_ms=<ms>} answers 200 once the
 * prefill has seen that room (waiting up to wait_ms for it), else 404. {@code GET /health} answers 200.
 */
public final class BootstrapServer {

  public static final String ROOM_PATH = "/bootstrap/room/";
  static final long MAX_WAIT_MILLIS = 60_000;

  private final BootstrapRooms rooms;
  private final java.util.function.Supplier<String> workerId;
  private HttpServer server;

  public BootstrapServer(BootstrapRooms rooms, java.util.function.Supplier<String> workerId) {
    this.rooms = rooms;
    this.workerId = workerId;
  }

  /** Listens on host:port (0 = free port); call on the prefill worker's context. */
  public Future<Integer> listen(Vertx vertx, String host, int port) {
    server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port).setTcpNoDelay(true))
        .requestHandler(this::handle);
    return server.listen().map(HttpServer::actualPort);
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void handle(HttpServerRequest request) {
    request.response().putHeader("x-served-by", workerId.get());
    String path = request.path();
    if (path.equals("/health")) {
      request.response().end();
      return;
    }
    if (!path.startsWith(ROOM_PATH)) {
      request.response().setStatusCode(404).end();
      return;
    }
    long room;
    long waitMillis;
    try {
      room = Long.parseLong(path.substring(ROOM_PATH.length()));
      String wait = request.getParam("wait_ms");
      waitMillis = wait == null ? 0 : Math.min(MAX_WAIT_MILLIS, Long.parseLong(wait));
    } catch (NumberFormatException e) {
      request.response().setStatusCode(400).end("{\"error\":\"room and wait_ms must be integers\"}");
      return;
    }
    rooms.await(room, waitMillis).onComplete(seen -> request.response()
        .setStatusCode(seen.succeeded() && seen.result() ? 200 : 404)
        .putHeader("content-type", "application/json")
        .end("{\"room\":" + room + ",\"seen\":" + (seen.succeeded() && seen.result()) + "}"));
  }
}
