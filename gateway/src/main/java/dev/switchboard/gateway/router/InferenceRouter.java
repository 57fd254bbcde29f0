package dev.switchboard.gateway.router;

import dev.switchboard.gateway.exchange.Exchange;
import dev.switchboard.gateway.worker.Worker;
import java.util.List;

/**
 * One of the four routers. It serves every model that has workers of its kind, and owns the exchange from the
 * moment it is handed one: whatever happens, it ends the client's response exactly once.
 */
public interface InferenceRouter {
  RouterId id();

  /** Routes one request for {@code model} to this router's workers and relays the answer. */
  void route(Exchange exchange, String model);

  /** Whether a request for {@code model} could be placed now (PD: a healthy prefill and a healthy decode). */
  boolean canServe(String model);

  /** The workers this router uses for {@code model}, for status pages. */
  List<Worker> workers(String model);
}
