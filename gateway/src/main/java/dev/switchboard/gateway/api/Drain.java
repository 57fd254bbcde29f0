package dev.switchboard.gateway.api;

import dev.switchboard.gateway.exchange.OpenAiError;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import dev.switchboard.gateway.exchange.Exchange;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Graceful drain (SIGTERM, {@code POST /drain}): from the moment it starts, readiness is 503 and new inference
 * requests are refused with 503; requests in flight run on for their model's {@code drain_timeout_secs}, then
 * are stopped ({@link Exchange#stop}): the worker's request is cancelled (reset, abort) and the client gets a 503 —
 * as an SSE error event and {@code [DONE]} once a stream has started. {@link #start()} completes when none is left.
 */
public final class Drain {
  private static final Logger log = LoggerFactory.getLogger(Drain.class);

  private final Vertx vertx;
  private final Function<String, Duration> timeoutOf;
  /** In-flight inference responses and their models ("" when unknown). */
  private final Map<Exchange, String> inFlight = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
  private final Promise<Void> drained = Promise.promise();
  private volatile boolean draining;

  public Drain(Vertx vertx, Function<String, Duration> timeoutOf) {
    this.vertx = vertx;
    this.timeoutOf = timeoutOf;
  }

  public boolean draining() { return draining; }

  /** Requests in flight now. */
  public int inFlight() { return inFlight.size(); }

  /** Tracks an inference response until it ends; false (and nothing tracked) when draining already. */
  boolean track(Exchange exchange, String model) {
    if (draining) return false;
    inFlight.put(exchange, model == null ? "" : model);
    return true;
  }

  void untrack(Exchange exchange) {
    if (inFlight.remove(exchange) != null && draining && inFlight.isEmpty()) complete();
  }

  /** Starts draining (idempotent); the future completes once every request in flight has ended. */
  public Future<Void> start() {
    if (!started.compareAndSet(false, true)) return drained.future();
    draining = true;
    log.info("draining: {} requests in flight; new requests get 503", inFlight.size());
    if (inFlight.isEmpty()) {
      complete();
      return drained.future();
    }
    Map<Duration, Boolean> timeouts = new ConcurrentHashMap<>();
    for (String model : inFlight.values()) timeouts.put(timeoutOf.apply(model.isEmpty() ? null : model), true);
    for (Duration timeout : timeouts.keySet()) {
      vertx.setTimer(Math.max(1, timeout.toMillis()), t -> cutOff(timeout));
    }
    return drained.future();
  }

  /** Ends every request whose model's drain timeout is {@code timeout}, on its own event loop. */
  private void cutOff(Duration timeout) {
    inFlight.forEach((exchange, model) -> {
      if (!timeoutOf.apply(model.isEmpty() ? null : model).equals(timeout)) return;
      OpenAiError error = new OpenAiError(503, "the gateway is shutting down: the request did not finish within the drain timeout of "
          + timeout.toSeconds() + " s", "service_unavailable", null, "draining");
      if (exchange.context() == null) exchange.stop(error);
      else exchange.context().runOnContext(v -> exchange.stop(error));
    });
  }

  private void complete() {
    drained.tryComplete();
  }

  /** Completes when a drain (started by anyone) has finished; never before one starts. */
  public Future<Void> finished() { return drained.future(); }

  /** The error a request gets while the gateway drains. */
  static OpenAiError refusal() {
    return new OpenAiError(503, "the gateway is draining (shutting down) and takes no new requests", "service_unavailable", null, "draining");
  }
}
