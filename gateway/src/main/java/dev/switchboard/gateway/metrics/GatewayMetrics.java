package dev.switchboard.gateway.metrics;

import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.WorkerRegistry;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The gateway's Prometheus metrics, in a registry of its own (two gateways in one JVM never collide). Request
 * metrics are recorded once per exchange, when it ends; worker gauges are read from the registry at scrape time.
 */
public final class GatewayMetrics {
  private static final double[] LATENCY_BUCKETS = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15,
      30, 45, 60, 90, 120, 180, 240};

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private final Counter requests;
  private final Histogram duration;
  private final Counter retries;

  public GatewayMetrics(WorkerRegistry workers) {
    requests = Counter.builder().name("switchboard_requests_total")
        .help("Inference requests by endpoint, router and final status")
        .labelNames("endpoint", "router", "status").register(registry);
    duration = Histogram.builder().name("switchboard_request_duration_seconds")
        .help("Inference request duration, until the last byte of the response")
        .labelNames("endpoint", "router").classicOnly().classicUpperBounds(LATENCY_BUCKETS).register(registry);
    retries = Counter.builder().name("switchboard_retries_total")
        .help("Attempts repeated on another worker").labelNames("router").register(registry);
    GaugeWithCallback.builder().name("switchboard_worker_healthy").help("1 when the worker passes health checks")
        .labelNames("worker", "model", "type")
        .callback(cb -> {
          for (Worker w : workers.snapshot().all()) cb.call(w.isHealthy() ? 1 : 0, w.url(), w.model(), w.type().wireName());
        }).register(registry);
    GaugeWithCallback.builder().name("switchboard_worker_in_flight").help("Requests the gateway has in flight on the worker")
        .labelNames("worker", "model", "type")
        .callback(cb -> {
          for (Worker w : workers.snapshot().all()) cb.call(w.inFlight(), w.url(), w.model(), w.type().wireName());
        }).register(registry);
    // Owned by fault containment: each worker's circuit breaker (0 closed, 1 open, 2 half-open, as SGLang).
    GaugeWithCallback.builder().name("switchboard_worker_circuit_state")
        .help("Circuit breaker state of the worker: 0 closed, 1 open, 2 half-open")
        .labelNames("worker", "model", "type")
        .callback(cb -> {
          for (Worker w : workers.snapshot().all()) cb.call(w.breaker().state().code, w.url(), w.model(), w.type().wireName());
        }).register(registry);
    CounterWithCallback.builder().name("switchboard_worker_circuit_transitions")
        .help("Circuit breaker state changes of the worker")
        .labelNames("worker", "model", "type")
        .callback(cb -> {
          for (Worker w : workers.snapshot().all()) cb.call(w.breaker().transitions(), w.url(), w.model(), w.type().wireName());
        }).register(registry);
    JvmMetrics.builder().register(registry);
  }

  /** Records one finished exchange; {@code router} is "none" when no router took it. */
  public void requestFinished(String endpoint, String router, int status, long startNanos) {
    requests.labelValues(endpoint, router, Integer.toString(status)).inc();
    duration.labelValues(endpoint, router).observe((System.nanoTime() - startNanos) / 1e9);
  }

  public void retried(String router) {
    retries.labelValues(router).inc();
  }

  public String contentType() {
    return writer.getContentType();
  }

  /** The text exposition of every metric. */
  public byte[] scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    try {
      writer.write(out, registry.scrape(), io.prometheus.metrics.config.EscapingScheme.ALLOW_UTF8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
