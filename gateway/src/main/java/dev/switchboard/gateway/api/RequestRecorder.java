package dev.switchboard.gateway.api;

import dev.switchboard.gateway.exchange.Endpoint;
import dev.switchboard.gateway.metrics.AccessLog;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.metrics.RequestTimer;
import dev.switchboard.gateway.metrics.Usage;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * The first handler of an inference route: gives the request its trace context and its {@link RequestTimer}, and
 * when the request ends, however it ends (401, 429, 4xx, a relayed stream, a client that left), charges its
 * tokens to the tenant, records its metrics and writes its access-log line.
 */
final class RequestRecorder implements Handler<RoutingContext> {
  /** nginx's "client closed request": the client left before the response was complete. */
  static final int CLIENT_CLOSED = 499;

  private final Endpoint endpoint;
  private final GatewayMetrics metrics;
  private final AccessLog accessLog;

  RequestRecorder(Endpoint endpoint, GatewayMetrics metrics, AccessLog accessLog) {
    this.endpoint = endpoint;
    this.metrics = metrics;
    this.accessLog = accessLog;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String traceparent = TraceContext.ensure(ctx.request());
    RequestTimer timer = new RequestTimer(endpoint, Tenant.ANONYMOUS);
    ctx.put(RequestTimer.KEY, timer);
    ctx.addEndHandler(ended -> {
      int status = ended.succeeded() ? ctx.response().getStatusCode() : CLIENT_CLOSED;
      Usage usage = timer.usage();
      if (usage != null) Tenants.used(ctx, usage.total());
      metrics.requestFinished(timer, status);
      accessLog.write(timer, status, ctx.get(ApiRoutes.REQUEST_ID_KEY), TraceContext.traceId(traceparent));
    });
    ctx.next();
  }
}
