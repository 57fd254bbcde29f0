package dev.switchboard.gateway.api;

import dev.switchboard.gateway.exchange.BadRequestException;
import dev.switchboard.gateway.exchange.Endpoint;
import dev.switchboard.gateway.exchange.Exchange;
import dev.switchboard.gateway.exchange.OpenAiError;
import dev.switchboard.gateway.exchange.RequestFacts;
import dev.switchboard.gateway.metrics.RequestTimer;
import dev.switchboard.gateway.router.RouterManager;
import dev.switchboard.gateway.router.Selection;
import dev.switchboard.gateway.worker.ConnectionMode;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * The inference endpoints: read what routing needs from the body, choose a router, hand the exchange over.
 * The body itself goes on untouched.
 */
final class InferenceHandler implements Handler<RoutingContext> {
  static final String CONNECTION_HEADER = "x-switchboard-connection";
  static final String PREFER_PD_HEADER = "x-prefer-pd";

  private final Endpoint endpoint;
  private final RouterManager routers;
  private final FrontGate gate;

  InferenceHandler(Endpoint endpoint, RouterManager routers, FrontGate gate) {
    this.endpoint = endpoint;
    this.routers = routers;
    this.gate = gate;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    RequestTimer timer = ctx.get(RequestTimer.KEY); // RequestRecorder's: metrics and access log when it ends
    Tenant tenant = ctx.get(Tenant.CONTEXT_KEY);
    String requestId = ctx.get(ApiRoutes.REQUEST_ID_KEY);
    Buffer body = ctx.body().buffer();
    RequestFacts facts;
    ConnectionMode connection;
    try {
      facts = RequestFacts.scan(endpoint, body, req.headers());
      connection = connectionPreference(req.getHeader(CONNECTION_HEADER));
    } catch (BadRequestException e) {
      ApiRoutes.sendError(ctx, e.error());
      return;
    }
    timer.model(facts.model());
    timer.stream(facts.stream());
    Selection selection = routers.select(facts.model(), connection, preferPd(req.getHeader(PREFER_PD_HEADER)), endpoint);
    switch (selection) {
      case Selection.Routed routed -> {
        timer.router(routed.router().id().wireName());
        timer.model(routed.model());
        Exchange exchange = new Exchange(req, facts, requestId, tenant == null ? 0 : tenant.priority(), timer);
        gate.pass(ctx, exchange, routed.model(), () -> routed.router().route(exchange, routed.model()));
      }
      case Selection.Refused refused -> ApiRoutes.sendError(ctx, refused.error());
    }
  }

  private static ConnectionMode connectionPreference(String header) {
    if (header == null || header.isBlank() || header.equalsIgnoreCase("any")) return null;
    ConnectionMode mode = ConnectionMode.fromWire(header.strip().toLowerCase(java.util.Locale.ROOT));
    if (mode == null) {
      throw new BadRequestException(OpenAiError.badRequest(
          "header " + CONNECTION_HEADER + " must be http, grpc or any, not '" + header + "'"));
    }
    return mode;
  }

  /** PD is preferred unless the client says {@code false} or {@code 0}. */
  private static boolean preferPd(String header) {
    return header == null || !(header.strip().equalsIgnoreCase("false") || header.strip().equals("0"));
  }
}
