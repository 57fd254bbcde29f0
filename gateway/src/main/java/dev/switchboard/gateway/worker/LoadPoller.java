package dev.switchboard.gateway.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks HTTP workers for their own view of their load on a fixed interval and records it with
 * {@link Worker#reportedLoad(long)} (and {@link Worker#reportedKvUsage(double)}), for the load-aware policies. Only
 * workers whose pool's policy wants it are polled. SGLang answers {@code GET /get_load}; a worker that answers 404
 * or 501 there (vLLM) is read from its Prometheus {@code /metrics} instead: {@code vllm:num_requests_running} +
 * {@code vllm:num_requests_waiting}, and {@code vllm:kv_cache_usage_perc}. A worker with neither (llama.cpp) is
 * asked again only every {@value #UNSUPPORTED_RETRY_TICKS} ticks. A failed poll makes the report unknown (-1).
 */
public final class LoadPoller implements WorkerRegistry.Listener, AutoCloseable {
  static final int UNSUPPORTED_RETRY_TICKS = 60;
  private static final Logger log = LoggerFactory.getLogger(LoadPoller.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Fetches one worker's {@code /get_load} body; fails with the HTTP status when there is one. */
  @FunctionalInterface
  public interface Fetch {
    CompletionStage<byte[]> get(Worker worker);
  }

  /** A fetch failure that carries the worker's HTTP status. */
  public interface StatusFailure {
    int status();
  }

  private final WorkerRegistry registry;
  private final Fetch fetch;
  private final Fetch metrics;
  private final Map<Worker, Boolean> viaMetrics = new ConcurrentHashMap<>();
  private final Predicate<Worker> wanted;
  private final Duration interval;
  private final Map<Worker, Integer> unsupportedSince = new ConcurrentHashMap<>();
  private final Map<Worker, Boolean> inFlight = new ConcurrentHashMap<>();
  private volatile int tick;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "switchboard-load-poller");
    t.setDaemon(true);
    return t;
  });

  public LoadPoller(WorkerRegistry registry, Fetch fetch, Predicate<Worker> wanted, Duration interval) {
    this(registry, fetch, null, wanted, interval);
  }

  /**
   * @param fetch the worker's {@code /get_load} body
   * @param metrics the worker's {@code /metrics} body, for workers without {@code /get_load}; {@code null}: none
   */
  public LoadPoller(WorkerRegistry registry, Fetch fetch, Fetch metrics, Predicate<Worker> wanted, Duration interval) {
    this.registry = registry;
    this.fetch = fetch;
    this.metrics = metrics;
    this.wanted = wanted;
    this.interval = interval;
  }

  public void start() {
    registry.addListener(this);
    long ms = interval.toMillis();
    timer.scheduleWithFixedDelay(this::pollAll, 0, ms, TimeUnit.MILLISECONDS);
  }

  @Override
  public void workersChanged(WorkerSnapshot snapshot, List<Worker> added, List<Worker> removed) {
    for (Worker w : removed) {
      unsupportedSince.remove(w);
      inFlight.remove(w);
      viaMetrics.remove(w);
    }
  }

  private void pollAll() {
    try {
      pollAllOnce();
    } catch (RuntimeException e) {
      log.warn("load poll failed", e); // keep the schedule alive: an exception would cancel it
    }
  }

  private void pollAllOnce() {
    tick++;
    for (Worker w : registry.snapshot().all()) {
      if (w.connection() != ConnectionMode.HTTP || !wanted.test(w)) continue;
      Integer since = unsupportedSince.get(w);
      if (since != null && (tick - since) % UNSUPPORTED_RETRY_TICKS != 0) continue;
      if (inFlight.putIfAbsent(w, Boolean.TRUE) != null) continue; // the last poll has not answered yet
      if (viaMetrics.containsKey(w)) {
        pollMetrics(w);
        continue;
      }
      fetch.get(w).whenComplete((body, err) -> {
        inFlight.remove(w);
        if (err == null) {
          unsupportedSince.remove(w);
          w.reportedLoad(parse(body));
        } else {
          Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
          if (cause instanceof StatusFailure s && (s.status() == 404 || s.status() == 501)) {
            if (metrics != null) viaMetrics.put(w, Boolean.TRUE); // vLLM: its /metrics from the next tick on
            else unsupportedSince.putIfAbsent(w, tick);
          }
          w.reportedLoad(-1);
        }
      });
    }
  }

  private void pollMetrics(Worker w) {
    metrics.get(w).whenComplete((body, err) -> {
      inFlight.remove(w);
      VllmLoad load = err == null ? parseVllmMetrics(body) : null;
      if (load != null) {
        unsupportedSince.remove(w);
        w.reportedKvUsage(load.kvUsage());
        w.reportedLoad(load.requests());
        return;
      }
      if (err == null) { // a /metrics without vLLM's gauges: nothing to read here
        viaMetrics.remove(w);
        unsupportedSince.putIfAbsent(w, tick);
      }
      w.reportedKvUsage(-1);
      w.reportedLoad(-1);
    });
  }

  /** What vLLM's {@code /metrics} says: running + waiting requests, and KV-cache usage (0..1, -1 when absent). */
  public record VllmLoad(long requests, double kvUsage) {}

  /**
   * Reads vLLM's gauges from Prometheus text: {@code vllm:num_requests_running} and {@code vllm:num_requests_waiting}
   * summed over their series (engines, ranks), {@code vllm:kv_cache_usage_perc} (older: {@code gpu_cache_usage_perc})
   * as the highest series; {@code null} when neither request gauge is there.
   */
  public static VllmLoad parseVllmMetrics(byte[] body) {
    double running = -1;
    double waiting = -1;
    double usage = -1;
    String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.charAt(0) == '#' || !line.startsWith("vllm:")) continue;
      int nameEnd = 0;
      while (nameEnd < line.length() && line.charAt(nameEnd) != '{' && line.charAt(nameEnd) != ' ') nameEnd++;
      String name = line.substring(0, nameEnd);
      int valueStart = line.lastIndexOf('}') >= 0 ? line.lastIndexOf('}') + 1 : nameEnd;
      String[] rest = line.substring(valueStart).trim().split("\\s+");
      double v;
      try {
        v = Double.parseDouble(rest[0]);
      } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
        continue;
      }
      if (Double.isNaN(v)) continue;
      switch (name) {
        case "vllm:num_requests_running" -> running = Math.max(0, running) + v;
        case "vllm:num_requests_waiting" -> waiting = Math.max(0, waiting) + v;
        case "vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc" -> usage = Math.max(usage, v);
        default -> { }
      }
    }
    if (running < 0 && waiting < 0) return null;
    return new VllmLoad(Math.round(Math.max(0, running) + Math.max(0, waiting)), usage);
  }

  /**
   * The requests a {@code /get_load} body reports: the sum of {@code num_reqs} over its entries (one per
   * data-parallel rank; a single object is one entry), or -1 when the body has none.
   */
  public static long parse(byte[] body) {
    try {
      JsonNode root = JSON.readTree(body);
      if (root == null) return -1;
      long sum = 0;
      boolean any = false;
      Iterable<JsonNode> entries = root.isArray() ? root : List.of(root);
      for (JsonNode e : entries) {
        JsonNode v = e.get("num_reqs");
        if (v != null && v.canConvertToLong()) {
          sum += Math.max(0, v.asLong());
          any = true;
        }
      }
      return any ? sum : -1;
    } catch (IOException e) {
      return -1;
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
