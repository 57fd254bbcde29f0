package dev.switchboard.gateway.exchange;

import dev.switchboard.gateway.worker.Worker;
import io.vertx.core.buffer.Buffer;

/**
 * Watches one exchange on its way back to the client, for metrics and the access log ({@code metrics.RequestTimer}).
 * Called on the request's event loop; every method must be cheap.
 */
public interface ExchangeObserver {
  ExchangeObserver NONE = new ExchangeObserver() {};

  /** An attempt of this request was dispatched to {@code worker}. */
  default void attempt(Worker worker) {}

  /** A chunk of the response body is being written to the client. */
  default void body(Buffer chunk) {}

  /** The token usage, when the gateway composed the response itself (gRPC routers). */
  default void usage(long promptTokens, long completionTokens) {}
}
