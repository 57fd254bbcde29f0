package dev.switchboard.gateway.api;

import dev.switchboard.gateway.exchange.OpenAiError;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Graceful drain (SIGTERM, {@code POST /drain}): from the moment it starts, readiness is 503 and new inference
 * requests are refused with 503; requests in flight run on for their model's {@code drain_timeout_secs}, then
 * end — a stream with an SSE error event and {@code [DONE]}, anything else with a 503 or a reset — and their
 * connections close, which stops the workers' requests. {@link #start()} completes when none is left.
 */
public final class Drain {
  private static final Logger log = LoggerFactory.getLogger(Drain.class);

  private final Vertx vertx;
  private final Function<String, Duration> timeoutOf;
  /** In-flight inference responses and their models ("" when unknown). */
  private final Map<HttpServerRequest, InFlight> inFlight = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
  private final Promise<Void> drained = Promise.promise();
  private volatile boolean draining;

  private record InFlight(String model, boolean stream) {}

  public Drain(Vertx vertx, Function<String, Duration> timeoutOf) {
    this.vertx = vertx;
    this.timeoutOf = timeoutOf;
  }

  public boolean draining() { return draining; }

  /** Requests in flight now. */
  public int inFlight() { return inFlight.size(); }

  /** Tracks an inference response until it ends; false (and nothing tracked) when draining already. */
  boolean track(HttpServerRequest request, String model, boolean stream) {
    if (draining) return false;
    inFlight.put(request, new InFlight(model == null ? "" : model, stream));
    return true;
  }

  void untrack(HttpServerRequest request) {
    if (inFlight.remove(request) != null && draining && inFlight.isEmpty()) complete();
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
    for (InFlight f : inFlight.values()) timeouts.put(timeoutOf.apply(f.model().isEmpty() ? null : f.model()), true);
    for (Duration timeout : timeouts.keySet()) {
      vertx.setTimer(Math.max(1, timeout.toMillis()), t -> cutOff(timeout));
    }
    return drained.future();
  }

  /** Ends every request whose model's drain timeout is {@code timeout}. */
  private void cutOff(Duration timeout) {
    inFlight.forEach((request, f) -> {
      if (!timeoutOf.apply(f.model().isEmpty() ? null : f.model()).equals(timeout)) return;
      vertx.runOnContext(v -> end(request, f, timeout)); // any context: Vert.x hands writes to the connection's loop
    });
  }

  private static void end(HttpServerRequest request, InFlight f, Duration timeout) {
    HttpServerResponse r = request.response();
    if (r.ended() || r.closed()) return;
    OpenAiError error = OpenAiError.unavailable("the gateway is shutting down: the request did not finish within the drain timeout of "
        + timeout.toSeconds() + " s");
    if (!r.headWritten()) {
      r.setStatusCode(503).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").putHeader("connection", "close").end(error.toBuffer());
    } else if (f.stream()) {
      r.write(error.toSseEvent());
      r.end(Buffer.buffer("data: [DONE]\n\n"));
    } else {
      r.reset();
    }
    // Closing the client's connection is what cancels the worker's request on every router.
    request.connection().close();
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
