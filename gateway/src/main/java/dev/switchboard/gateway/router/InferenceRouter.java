package dev.switchboard.gateway.router;

import dev.switchboard.gateway.exchange.Exchange;

/**
 * One of the four routers. It serves every model that has workers of its kind, and owns the exchange from the
 * moment it is handed one: whatever happens, the client's response is ended exactly once.
 */
public interface InferenceRouter {
  RouterId id();

  /** Routes one request for {@code model} to this router's workers and relays the answer. */
  void route(Exchange exchange, String model);

  /** Whether a request for {@code model} could be placed now (PD: an available prefill and an available decode). */
  boolean canServe(String model);
}
