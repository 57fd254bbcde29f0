package dev.switchboard.gateway.metrics;

import dev.switchboard.gateway.exchange.Endpoint;
import dev.switchboard.gateway.policy.Policy;
import dev.switchboard.gateway.policy.radix.CacheObserver;
import dev.switchboard.gateway.policy.radix.PrefixTreePolicy;
import dev.switchboard.gateway.worker.AttemptListener;
import dev.switchboard.gateway.worker.AttemptReport;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.WorkerRegistry;
import dev.switchboard.gateway.worker.WorkerSnapshot.PoolKey;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import java.util.function.ToIntFunction;

/**
 * The gateway's Prometheus metrics, in a registry of its own (two gateways in one JVM never collide).
 *
 * <p>Label values come only from the registry and the configuration (model and worker names, tenant names, router
 * and endpoint names, status codes): a model the registry does not serve is labelled {@value #UNKNOWN}. Label
 * children are bound once per label set and cached, so recording a request costs one map lookup, not one per
 * metric. Request metrics are recorded once per request, when it ends; per-worker metrics once per attempt (as an
 * {@link AttemptListener}); worker gauges are read from the registry at scrape time.
 */
public final class GatewayMetrics implements AttemptListener {
  public static final String UNKNOWN = "unknown";
  private static final double[] LATENCY_BUCKETS = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15,
      30, 45, 60, 90, 120, 180, 240};
  private static final double[] TOKEN_GAP_BUCKETS = {0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15,
      0.2, 0.3, 0.5, 1, 2.5};
  private static final double[] SHARE_BUCKETS = {0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.99, 1};
  private static final String[] WORKER_LABELS = {"worker", "model", "type"};
  /** The reasons admission control refuses for; their series exist (at 0) from startup. */
  public static final List<String> ADMISSION_REJECT_REASONS = List.of("queue_full", "timeout");

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private final WorkerRegistry workers;

  private final Counter requests;
  private final Histogram duration;
  private final Histogram ttft;
  private final Histogram tokenGap;
  private final Counter inputTokens;
  private final Counter outputTokens;
  private final Counter retries;
  private final Counter rateLimited;
  private final Counter workerAttempts;
  private final Counter workerErrors;
  private final Histogram workerTtft;
  private final Histogram admissionWait;
  private final Counter admissionRejected;
  private final Histogram cacheShare;
  private final Counter cacheDecisions;

  private final Map<SeriesKey, RequestSeries> requestSeries = new ConcurrentHashMap<>();
  private final Map<Worker, WorkerSeries> workerSeries = new ConcurrentHashMap<>();
  private final Map<String, CounterDataPoint> retrySeries = new ConcurrentHashMap<>();
  private volatile ToIntFunction<Worker> breakerState = w -> 0;
  private volatile IntSupplier admissionQueueDepth = () -> 0;

  public GatewayMetrics(WorkerRegistry workers) {
    this.workers = workers;
    requests = Counter.builder().name("switchboard_requests_total")
        .help("Inference requests by endpoint, model, router, final status and tenant")
        .labelNames("endpoint", "model", "router", "status", "tenant").register(registry);
    duration = Histogram.builder().name("switchboard_request_duration_seconds")
        .help("Inference request duration, from arrival until the last byte of the response")
        .labelNames("model", "router", "tenant").classicOnly().classicUpperBounds(LATENCY_BUCKETS).register(registry);
    ttft = Histogram.builder().name("switchboard_time_to_first_token_seconds")
        .help("Streamed responses: from the request's arrival to the first byte of the stream")
        .labelNames("model", "router", "tenant").classicOnly().classicUpperBounds(LATENCY_BUCKETS).register(registry);
    tokenGap = Histogram.builder().name("switchboard_time_between_tokens_seconds")
        .help("Streamed responses: mean gap between output tokens, (last chunk - first chunk) / (output tokens - 1)")
        .labelNames("model", "router", "tenant").classicOnly().classicUpperBounds(TOKEN_GAP_BUCKETS).register(registry);
    inputTokens = Counter.builder().name("switchboard_input_tokens_total")
        .help("Prompt tokens, from the usage the workers report").labelNames("model", "router", "tenant").register(registry);
    outputTokens = Counter.builder().name("switchboard_output_tokens_total")
        .help("Generated tokens, from the usage the workers report").labelNames("model", "router", "tenant").register(registry);
    retries = Counter.builder().name("switchboard_retries_total")
        .help("Attempts repeated on another worker").labelNames("router").register(registry);
    rateLimited = Counter.builder().name("switchboard_rate_limited_total")
        .help("Requests refused with 429 because the tenant's key was over a limit").labelNames("tenant", "limit").register(registry);

    workerAttempts = Counter.builder().name("switchboard_worker_attempts_total")
        .help("Attempts sent to the worker, by how they ended").labelNames("worker", "model", "type", "outcome").register(registry);
    workerErrors = Counter.builder().name("switchboard_worker_errors_total")
        .help("Failed attempts on the worker, by cause").labelNames("worker", "model", "type", "cause").register(registry);
    workerTtft = Histogram.builder().name("switchboard_worker_time_to_first_token_seconds")
        .help("From dispatch to the first byte of the worker's answer (the first token of a stream)")
        .labelNames(WORKER_LABELS).classicOnly().classicUpperBounds(LATENCY_BUCKETS).register(registry);
    GaugeWithCallback.builder().name("switchboard_worker_healthy").help("1 when the worker passes health checks")
        .labelNames(WORKER_LABELS)
        .callback(cb -> {
          for (Worker w : workers.snapshot().all()) cb.call(w.isHealthy() ? 1 : 0, w.url(), w.model(), w.type().wireName());
        }).register(registry);
    GaugeWithCallback.builder().name("switchboard_worker_in_flight").help("Requests the gateway has in flight on the worker")
        .labelNames(WORKER_LABELS)
        .callback(cb -> {
          for (Worker w : workers.snapshot().all()) cb.call(w.inFlight(), w.url(), w.model(), w.type().wireName());
        }).register(registry);
    GaugeWithCallback.builder().name("switchboard_worker_circuit_state")
        .help("The worker's circuit breaker: 0 closed, 1 open, 2 half-open").labelNames(WORKER_LABELS)
        .callback(cb -> {
          ToIntFunction<Worker> state = breakerState;
          for (Worker w : workers.snapshot().all()) cb.call(state.applyAsInt(w), w.url(), w.model(), w.type().wireName());
        }).register(registry);

    CounterWithCallback.builder().name("switchboard_worker_circuit_transitions")
        .help("The worker's circuit breaker state changes").labelNames(WORKER_LABELS)
        .callback(cb -> {
          for (Worker w : workers.snapshot().all()) cb.call(w.breaker().transitions(), w.url(), w.model(), w.type().wireName());
        }).register(registry);

    GaugeWithCallback.builder().name("switchboard_admission_queue_depth")
        .help("Requests waiting for admission").callback(cb -> cb.call(admissionQueueDepth.getAsInt())).register(registry);
    admissionWait = Histogram.builder().name("switchboard_admission_wait_seconds")
        .help("Time admitted requests waited in the admission queue").classicOnly().classicUpperBounds(LATENCY_BUCKETS)
        .register(registry);
    admissionRejected = Counter.builder().name("switchboard_admission_rejected_total")
        .help("Requests refused by admission control").labelNames("reason").register(registry);
    for (String reason : ADMISSION_REJECT_REASONS) admissionRejected.labelValues(reason);

    cacheShare = Histogram.builder().name("switchboard_cache_match_share")
        .help("Cache-aware picks: matched prefix of the chosen worker over the request's text (0..1)")
        .labelNames("model", "type", "policy").classicOnly().classicUpperBounds(SHARE_BUCKETS).register(registry);
    cacheDecisions = Counter.builder().name("switchboard_cache_decisions_total")
        .help("Cache-aware picks: hit = the prefix match chose the worker, miss = load or tree size did")
        .labelNames("model", "type", "policy", "outcome").register(registry);

    // Removed first: a worker replaced under the same URL gets fresh children, not the ones just unregistered.
    workers.addListener((snapshot, added, removed) -> {
      removed.forEach(this::forgetWorker);
      added.forEach(this::workerSeries);
    });
    workers.snapshot().all().forEach(this::workerSeries);
    JvmMetrics.builder().register(registry);
  }

  // ---------------------------------------------------------------- requests

  private record SeriesKey(Endpoint endpoint, String model, String router, String tenant) {}

  /**
   * The bound children of one (endpoint, model, router, tenant). Statuses, streams' timings and tokens are bound
   * when first needed, so a refused request's series do not show empty histograms (binding twice is harmless:
   * client_java hands out the same child).
   */
  private final class RequestSeries {
    final SeriesKey key;
    final DistributionDataPoint duration;
    private volatile DistributionDataPoint ttft;
    private volatile DistributionDataPoint tokenGap;
    private volatile CounterDataPoint input;
    private volatile CounterDataPoint output;
    final Map<Integer, CounterDataPoint> byStatus = new ConcurrentHashMap<>();

    RequestSeries(SeriesKey k) {
      key = k;
      duration = GatewayMetrics.this.duration.labelValues(k.model, k.router, k.tenant);
    }

    CounterDataPoint status(int status) {
      CounterDataPoint c = byStatus.get(status);
      return c != null ? c : byStatus.computeIfAbsent(status,
          s -> requests.labelValues(key.endpoint.path(), key.model, key.router, Integer.toString(s), key.tenant));
    }

    DistributionDataPoint ttft() {
      DistributionDataPoint d = ttft;
      return d != null ? d : (ttft = GatewayMetrics.this.ttft.labelValues(key.model, key.router, key.tenant));
    }

    DistributionDataPoint tokenGap() {
      DistributionDataPoint d = tokenGap;
      return d != null ? d : (tokenGap = GatewayMetrics.this.tokenGap.labelValues(key.model, key.router, key.tenant));
    }

    CounterDataPoint input() {
      CounterDataPoint c = input;
      return c != null ? c : (input = inputTokens.labelValues(key.model, key.router, key.tenant));
    }

    CounterDataPoint output() {
      CounterDataPoint c = output;
      return c != null ? c : (output = outputTokens.labelValues(key.model, key.router, key.tenant));
    }
  }

  /** The model as a label: the name when the registry serves it, else {@value #UNKNOWN} (never raw client input). */
  public String modelLabel(String model) {
    return model != null && workers.snapshot().models().contains(model) ? model : UNKNOWN;
  }

  /** Records one finished request. */
  public void requestFinished(RequestTimer t, int status) {
    SeriesKey key = new SeriesKey(t.endpoint(), modelLabel(t.model()), t.router(), t.tenant());
    RequestSeries s = requestSeries.get(key);
    if (s == null) s = requestSeries.computeIfAbsent(key, RequestSeries::new);
    s.status(status).inc();
    s.duration.observe((System.nanoTime() - t.startNanos()) / 1e9);
    Usage u = t.usage();
    if (u != null) {
      s.input().inc(u.promptTokens());
      s.output().inc(u.completionTokens());
    }
    if (t.stream() && status / 100 == 2) {
      double first = t.timeToFirstByte();
      if (first >= 0) s.ttft().observe(first);
      double gap = t.timeBetweenTokens(u);
      if (gap >= 0) s.tokenGap().observe(gap);
    }
  }

  /** Binds the per-router series of the routers the gateway can have, so they exist (at 0) from startup. */
  public void routersKnown(List<String> wireNames) {
    for (String r : wireNames) retrySeries.computeIfAbsent(r, retries::labelValues);
  }

  public void retried(String router) {
    CounterDataPoint c = retrySeries.get(router);
    (c != null ? c : retrySeries.computeIfAbsent(router, retries::labelValues)).inc();
  }

  /** A request refused because its tenant was over {@code limit} ({@code rpm} or {@code tpm}). */
  public void rateLimited(String tenant, String limit) {
    rateLimited.labelValues(tenant, limit).inc();
  }

  /** Makes the tenant's rate-limit series visible (at 0) from startup. */
  public void tenantConfigured(String tenant) {
    rateLimited.labelValues(tenant, "rpm");
    rateLimited.labelValues(tenant, "tpm");
  }

  // ---------------------------------------------------------------- workers

  /** The bound per-worker children, created when the worker joins (so its series exist at 0) and dropped when it leaves. */
  private final class WorkerSeries {
    final String[] labels;
    final CounterDataPoint[] attempts = new CounterDataPoint[AttemptReport.Kind.values().length];
    final CounterDataPoint[] errors = new CounterDataPoint[AttemptReport.Cause.values().length];
    final DistributionDataPoint ttft;

    WorkerSeries(Worker w) {
      labels = new String[] {w.url(), w.model(), w.type().wireName()};
      for (AttemptReport.Kind k : AttemptReport.Kind.values()) attempts[k.ordinal()] = workerAttempts.labelValues(with(labels, lower(k)));
      for (AttemptReport.Cause c : AttemptReport.Cause.values()) {
        if (c != AttemptReport.Cause.NONE) errors[c.ordinal()] = workerErrors.labelValues(with(labels, lower(c)));
      }
      ttft = workerTtft.labelValues(labels);
    }

    void remove() {
      for (AttemptReport.Kind k : AttemptReport.Kind.values()) workerAttempts.remove(with(labels, lower(k)));
      for (AttemptReport.Cause c : AttemptReport.Cause.values()) {
        if (c != AttemptReport.Cause.NONE) workerErrors.remove(with(labels, lower(c)));
      }
      workerTtft.remove(labels);
    }
  }

  private WorkerSeries workerSeries(Worker w) {
    return workerSeries.computeIfAbsent(w, WorkerSeries::new);
  }

  private void forgetWorker(Worker w) {
    WorkerSeries s = workerSeries.remove(w);
    if (s != null) s.remove();
  }

  @Override
  public void attemptEnded(AttemptReport report) {
    WorkerSeries s = workerSeries.get(report.worker());
    if (s == null) return; // the worker has left the registry
    s.attempts[report.kind().ordinal()].inc();
    boolean failed = report.kind() == AttemptReport.Kind.FAILED_BEFORE_BYTES || report.kind() == AttemptReport.Kind.FAILED_AFTER_BYTES;
    if (failed && report.cause() != AttemptReport.Cause.NONE) s.errors[report.cause().ordinal()].inc();
    if (report.firstByteNanos() >= 0) s.ttft.observe((report.firstByteNanos() - report.startNanos()) / 1e9);
  }

  /**
   * Where {@code switchboard_worker_circuit_state} reads each worker's breaker (0 closed, 1 open, 2 half-open);
   * until a breaker is wired every worker reads 0 (no breaker never blocks). With the circuit breaker on
   * {@code Worker}: {@code metrics.breakerState(w -> w.breaker().state().code)}.
   */
  public void breakerState(ToIntFunction<Worker> state) {
    this.breakerState = state;
  }

  // ---------------------------------------------------------------- admission control

  /** Where {@code switchboard_admission_queue_depth} reads the number of waiting requests. */
  public void admissionQueueDepth(IntSupplier depth) {
    this.admissionQueueDepth = depth;
  }

  /** An admitted request waited {@code nanos} in the admission queue. */
  public void admissionWaited(long nanos) {
    admissionWait.observe(nanos / 1e9);
  }

  /** A request refused by admission control; {@code reason} is a fixed word of the admission code (queue_full, timeout). */
  public void admissionRejected(String reason) {
    admissionRejected.labelValues(reason).inc();
  }

  // ---------------------------------------------------------------- cache-aware policies

  /** Attaches a cache observer to each new cache-aware policy (pass to {@code PolicyRegistry}). */
  public void policyCreated(PoolKey pool, Policy policy) {
    if (!(policy instanceof PrefixTreePolicy tree)) return;
    String type = pool.type().wireName();
    DistributionDataPoint share = cacheShare.labelValues(pool.model(), type, policy.name());
    CounterDataPoint hit = cacheDecisions.labelValues(pool.model(), type, policy.name(), "hit");
    CounterDataPoint miss = cacheDecisions.labelValues(pool.model(), type, policy.name(), "miss");
    tree.observeCache((matched, wasHit) -> {
      share.observe(matched);
      (wasHit ? hit : miss).inc();
    });
  }

  // ---------------------------------------------------------------- exposition

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

  private static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  private static String[] with(String[] labels, String last) {
    String[] out = java.util.Arrays.copyOf(labels, labels.length + 1);
    out[labels.length] = last;
    return out;
  }
}
