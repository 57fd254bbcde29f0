package dev.switchboard.gateway.api;

import dev.switchboard.gateway.config.FrontSettings;
import dev.switchboard.gateway.exchange.OpenAiError;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client side's protections, for the HTTP server of one event loop: a connection limit shared by all event
 * loops, and deadlines a slow client cannot stretch — the request head within {@code header_timeout_secs} of the
 * connection opening (or of the previous response, for a kept-alive connection, then {@code keep_alive_idle_secs}),
 * the body within {@code body_timeout_secs} of the head. Connections past their
 * deadline (a sweep four times a second); a slow client costs a map entry, not a timer per request. Everything here runs on one event loop.
 */
public final class ClientConnections {
  private static final long SWEEP_MS = 250;

  private enum Phase { AWAITING_HEAD, READING_BODY, ANSWERING, IDLE }

  private static final class Conn {
    Phase phase = Phase.AWAITING_HEAD;
    long since;
    HttpServerRequest request;
  }

  private final FrontSettings settings;
  private final AtomicInteger open;
  private final Map<HttpConnection, Conn> conns = new HashMap<>();
  private final long sweepTimer;
  private final Vertx vertx;

  /** {@code open} counts the connections of every event loop's server (the limit is the gateway's). */
  public ClientConnections(Vertx vertx, FrontSettings settings, AtomicInteger open) {
    this.vertx = vertx;
    this.settings = settings;
    this.open = open;
    this.sweepTimer = vertx.setPeriodic(SWEEP_MS, t -> sweep());
  }

  /** The server's connection handler. */
  public void connected(HttpConnection connection) {
    if (open.incrementAndGet() > settings.maxConnections()) {
      open.decrementAndGet();
      connection.close();
      return;
    }
    Conn c = new Conn();
    c.since = System.nanoTime();
    conns.put(connection, c);
    connection.closeHandler(v -> {
      if (conns.remove(connection) != null) open.decrementAndGet();
    });
  }

  /** Wraps the server's request handler: a head has arrived on its connection. */
  public Handler<HttpServerRequest> requests(Handler<HttpServerRequest> next) {
    return request -> {
      Conn c = conns.get(request.connection());
      if (c != null) {
        c.request = request;
        c.phase = Phase.READING_BODY;
        c.since = System.nanoTime();
      }
      next.handle(request);
    };
  }

  private void sweep() {
    long now = System.nanoTime();
    java.util.List<HttpConnection> late = null;
    for (Map.Entry<HttpConnection, Conn> e : conns.entrySet()) {
      Conn c = e.getValue();
      if (c.request != null) {
        if (c.phase == Phase.READING_BODY && c.request.isEnded()) {
          c.phase = Phase.ANSWERING;
        }
        if ((c.phase == Phase.ANSWERING || c.phase == Phase.READING_BODY) && c.request.response().ended()) {
          c.phase = Phase.IDLE;
          c.since = now;
          c.request = null;
        }
      }
      long limit = switch (c.phase) {
        case AWAITING_HEAD -> settings.headerTimeout().toNanos();
        case READING_BODY -> settings.bodyTimeout().toNanos();
        case IDLE -> settings.keepAliveIdle().toNanos();
        case ANSWERING -> Long.MAX_VALUE; // deadlines of the answer are the workers' (timeouts:)
      };
      if (now - c.since > limit) {
        if (late == null) late = new java.util.ArrayList<>();
        late.add(e.getKey());
        if (c.phase == Phase.READING_BODY) timeOut(c.request);
      }
    }
    if (late != null) for (HttpConnection conn : late) conn.close();
  }

  /** A body that did not arrive in time: 408 if nothing was answered yet. */
  private static void timeOut(HttpServerRequest request) {
    var r = request.response();
    if (r.headWritten() || r.ended()) return;
    OpenAiError e = new OpenAiError(408, "the request body did not arrive within the gateway's body timeout",
        "invalid_request_error", null, "request_timeout");
    r.setStatusCode(408).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").putHeader("connection", "close").end(e.toBuffer());
  }

  public void close() {
    vertx.cancelTimer(sweepTimer);
  }
}
