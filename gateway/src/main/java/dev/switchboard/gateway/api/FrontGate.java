package dev.switchboard.gateway.api;

import dev.switchboard.gateway.exchange.Exchange;
import dev.switchboard.gateway.exchange.OpenAiError;
import dev.switchboard.gateway.exchange.RequestFacts;
import dev.switchboard.gateway.router.Admission;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * The one call between choosing a router and routing: the request is tracked for drain, waits for admission
 * (gateway-wide and per model, by priority), and routes once admitted; its slots are given back when the response
 * ends, however it ends (last byte, reset, client gone — also while still queued).
 */
final class FrontGate {
  static final String PRIORITY_HEADER = "x-priority";

  private final Drain drain;
  private final Admission admission;

  FrontGate(Drain drain, Admission admission) {
    this.drain = drain;
    this.admission = admission;
  }

  void pass(RoutingContext ctx, Exchange exchange, String model, Runnable route) {
    HttpServerRequest req = ctx.request();
    RequestFacts facts = exchange.facts();
    int priority;
    try {
      priority = Admission.priority(req.getHeader(PRIORITY_HEADER), facts.priority(), exchange.priority());
    } catch (IllegalArgumentException e) {
      ApiRoutes.sendError(ctx, OpenAiError.badRequest(e.getMessage()));
      return;
    }
    if (!drain.track(exchange, model)) {
      ApiRoutes.sendError(ctx, Drain.refusal());
      return;
    }
    Admission.Ticket ticket = admission.ticket(model, priority);
    ctx.addEndHandler(v -> {
      ticket.release();
      drain.untrack(exchange);
    });
    ticket.start(route, error -> ApiRoutes.sendError(ctx, error));
  }
}
