package dev.switchboard.gateway.api;

import dev.switchboard.gateway.exchange.BadRequestException;
import dev.switchboard.gateway.exchange.Endpoint;
import dev.switchboard.gateway.exchange.Exchange;
import dev.switchboard.gateway.exchange.OpenAiError;
import dev.switchboard.gateway.exchange.RequestFacts;
import dev.switchboard.gateway.metrics.GatewayMetrics;
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

  /** nginx's "client closed request": the client left before the response was complete. */
  private static final int CLIENT_CLOSED = 499;

  private final Endpoint endpoint;
  private final String endpointLabel;
  private final RouterManager routers;
  private final GatewayMetrics metrics;
  private final FrontGate gate;

  InferenceHandler(Endpoint endpoint, RouterManager routers, GatewayMetrics metrics, FrontGate gate) {
    this.endpoint = endpoint;
    this.endpointLabel = endpoint.path();
    this.routers = routers;
    this.metrics = metrics;
    this.gate = gate;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    long start = System.nanoTime();
    String[] router = {"none"};
    ctx.addEndHandler(ended -> metrics.requestFinished(endpointLabel, router[0],
        ended.succeeded() ? ctx.response().getStatusCode() : CLIENT_CLOSED, start));
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
    Selection selection = routers.select(facts.model(), connection, preferPd(req.getHeader(PREFER_PD_HEADER)), endpoint);
    switch (selection) {
      case Selection.Routed routed -> {
        router[0] = routed.router().id().wireName();
        Exchange exchange = new Exchange(req, facts, requestId);
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
