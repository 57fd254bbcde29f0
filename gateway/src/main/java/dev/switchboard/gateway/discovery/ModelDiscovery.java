package dev.switchboard.gateway.discovery;

import dev.switchboard.gateway.http.HttpWorkerClient;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.exchange.RequestFacts;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.WorkerRegistry;
import dev.switchboard.gateway.worker.WorkerSpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers workers declared without a model once they say which model they serve ({@code GET /v1/models}, the
 * first id), as plain OpenAI-compatible servers (vLLM, llama.cpp) do. A worker that is down is asked again with
 * backoff; the gateway serves the others meanwhile.
 */
public final class ModelDiscovery {
  private static final Logger log = LoggerFactory.getLogger(ModelDiscovery.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final long MAX_BACKOFF_MS = 30_000;

  private final Vertx vertx;
  private final HttpWorkerClient upstream;
  private final WorkerRegistry registry;
  private volatile boolean closed;
  /** URLs still being asked; {@link #forget} stops asking. */
  private final java.util.Set<String> pending = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public ModelDiscovery(Vertx vertx, HttpWorkerClient upstream, WorkerRegistry registry) {
    this.vertx = vertx;
    this.upstream = upstream;
    this.registry = registry;
  }

  public void discover(WorkerSpec spec) {
    if (pending.add(spec.url())) attempt(spec, 500);
  }

  /** Stops asking a worker that is no longer wanted (removed from the file, its pod gone). */
  public void forget(String url) {
    pending.remove(url);
  }

  /** Whether the model of this URL is still being asked. */
  public boolean pending(String url) {
    return pending.contains(url);
  }

  /** Asks a worker once which model it serves (the worker API's path: the caller hears the failure). */
  public Future<String> askModel(WorkerSpec spec) {
    return upstream.get(new Worker(spec), "/v1/models", TIMEOUT).compose(body -> {
      String model = firstModel(body.getBytes());
      return model != null ? Future.succeededFuture(model) : Future.failedFuture(new IllegalStateException("its /v1/models lists no model"));
    });
  }

  private void attempt(WorkerSpec spec, long backoffMs) {
    if (closed || !pending.contains(spec.url())) return;
    upstream.get(new Worker(spec), "/v1/models", TIMEOUT).onComplete(ar -> {
      if (!pending.contains(spec.url())) return;
      String model = ar.succeeded() ? firstModel(ar.result().getBytes()) : null;
      if (model != null) {
        pending.remove(spec.url());
        log.info("worker {} serves model '{}'", spec.url(), model);
        try {
          registry.add(spec.withModel(model));
        } catch (IllegalArgumentException e) {
          log.warn("worker {} not added: {}", spec.url(), e.getMessage());
        }
        return;
      }
      String why = ar.failed() ? ar.cause().getMessage() : "its /v1/models lists no model";
      log.warn("cannot learn the model of worker {} ({}); asking again in {} ms", spec.url(), why, backoffMs);
      vertx.setTimer(backoffMs, t -> attempt(spec, Math.min(backoffMs * 2, MAX_BACKOFF_MS)));
    });
  }

  private static String firstModel(byte[] body) {
    try {
      JsonNode id = RequestFacts.JSON.readTree(body).path("data").path(0).path("id");
      return id.isTextual() && !id.textValue().isBlank() ? id.textValue() : null;
    } catch (java.io.IOException e) {
      return null;
    }
  }

  public void close() {
    closed = true;
  }
}
