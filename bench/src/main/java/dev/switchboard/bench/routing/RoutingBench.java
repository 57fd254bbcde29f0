package dev.switchboard.bench.routing;

import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.config.DeploymentConfig;
import dev.switchboard.gateway.config.GatewaySettings;
import dev.switchboard.gateway.policy.PolicySpec;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.WorkerSpec;
import dev.switchboard.gateway.worker.WorkerType;
import dev.switchboard.sim.SimConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Starts simulated workers and, per policy, a gateway in this process, and drives each workload through the
 * gateway over HTTP. Caches are flushed and a fresh gateway (fresh policy state) is started for every run.
 */
public final class RoutingBench {
  static final String MODEL = "sim-model";

  /** A run plan: which workloads and policies, how hard to push, and the simulated fleet. */
  public record Plan(List<Workload> workloads, List<String> policies, int workers, SimConfig sim,
      int concurrency, int multiTurnConcurrency, double rate, long seed, int repeat) {}

  private RoutingBench() {}

  public static List<RoutingRow> run(Plan plan, Consumer<RoutingRow> progress) throws Exception {
    List<RoutingRow> rows = new ArrayList<>();
    try (SimFleet fleet = new SimFleet(plan.workers(), plan.sim())) {
      warmUp(fleet, plan);
      for (Workload w : plan.workloads()) {
        int concurrency = w.name().equals("multi-turn") ? plan.multiTurnConcurrency() : plan.concurrency();
        Map<String, List<RoutingRow>> runs = new LinkedHashMap<>();
        int n = plan.policies().size();
        for (int round = 0; round < plan.repeat(); round++) {
          for (int k = 0; k < n; k++) {
            String policy = plan.policies().get((k + round) % n); // rotate so no policy always runs first
            runs.computeIfAbsent(policy, p -> new ArrayList<>())
                .add(runOne(fleet, w, policy, concurrency, plan.rate(), plan.seed()));
          }
        }
        for (String policy : plan.policies()) {
          RoutingRow row = median(runs.get(policy));
          rows.add(row);
          progress.accept(row);
        }
      }
    }
    return rows;
  }

  /** The run with the median throughput (the only run when there is one). */
  static RoutingRow median(List<RoutingRow> runs) {
    List<RoutingRow> sorted = new ArrayList<>(runs);
    sorted.sort(java.util.Comparator.comparingDouble(RoutingRow::requestsPerSec));
    return sorted.get((sorted.size() - 1) / 2);
  }

  /** A short unmeasured run so the JIT has compiled the gateway, the simulator and the driver. */
  private static void warmUp(SimFleet fleet, Plan plan) throws Exception {
    Workload warm = new Workloads(plan.seed() + 1).uniform(plan.workers() * 96, 64, 16);
    runOne(fleet, warm, "round_robin", plan.concurrency(), Double.POSITIVE_INFINITY, plan.seed());
  }

  static RoutingRow runOne(SimFleet fleet, Workload workload, String policy, int concurrency, double rate, long seed)
      throws Exception {
    fleet.idleAndFlush();
    List<WorkerSpec> specs = fleet.urls().stream()
        .map(u -> WorkerSpec.of(u, MODEL, WorkerType.REGULAR, ConnectionMode.HTTP)).toList();
    GatewaySettings settings = GatewaySettings.DEFAULTS.withHost("127.0.0.1").withPort(freePort())
        .withPolicy(PolicySpec.named(policy)).withMaxAttempts(1);
    try (Gateway gateway = Gateway.start(new DeploymentConfig(settings, Map.of(), specs))) {
      awaitHealthy(gateway);
      SimFleet.Counters before = fleet.counters();
      LoadDriver.Run run;
      try (LoadDriver driver = new LoadDriver("127.0.0.1", gateway.port(), MODEL, concurrency)) {
        run = driver.run(workload, concurrency, rate, seed);
      }
      SimFleet.Counters d = fleet.counters().minus(before);
      return row(workload.name(), policy, run, d);
    }
  }

  /**
   * A port free right now. The gateway's own port-0 handling races between its verticle instances (the second may
   * bind the first's port and fail), so the benchmark names a port.
   */
  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void awaitHealthy(Gateway gateway) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!gateway.registry().snapshot().all().stream().allMatch(Worker::isHealthy)) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("the simulated workers did not turn healthy");
      Thread.sleep(10);
    }
  }

  private static RoutingRow row(String workload, String policy, LoadDriver.Run run, SimFleet.Counters d) {
    List<LoadDriver.Result> ok = run.results().stream().filter(LoadDriver.Result::ok).toList();
    long[] ttft = ok.stream().mapToLong(LoadDriver.Result::ttftNanos).sorted().toArray();
    long[] e2e = ok.stream().mapToLong(LoadDriver.Result::e2eNanos).sorted().toArray();
    double secs = run.wallNanos() / 1e9;
    long prompt = SimFleet.Counters.sum(d.promptTokens());
    long cached = SimFleet.Counters.sum(d.cachedTokens());
    long[] perWorker = d.requests().clone();
    Arrays.sort(perWorker);
    return new RoutingRow(workload, policy, run.results().size(), run.results().size() - ok.size(),
        ok.size() / secs, SimFleet.Counters.sum(d.generatedTokens()) / secs,
        prompt == 0 ? 0 : (double) cached / prompt,
        ms(percentile(ttft, 50)), ms(percentile(ttft, 99)), ms(percentile(e2e, 50)), ms(percentile(e2e, 99)),
        perWorker.length == 0 ? 0 : perWorker[perWorker.length - 1], perWorker.length == 0 ? 0 : perWorker[0], secs);
  }

  /** Nearest-rank percentile of sorted values. */
  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) return 0;
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  /** The simulated worker for a scale: lengths shrink by {@code scale}, so per-token costs grow by 1/scale. */
  public static SimConfig simConfig(double scale, int cacheTokens, int blockSize, Duration prefillPerToken,
      Duration stepTime, int batchLimit) {
    return SimConfig.of(MODEL)
        .withCacheCapacityTokens(Math.max(blockSize, (int) Math.round(cacheTokens * scale)))
        .withCacheBlockSize(blockSize)
        .withPrefillTimePerToken(Duration.ofNanos(Math.round(prefillPerToken.toNanos() / scale)))
        .withTimePerToken(Duration.ofNanos(Math.round(stepTime.toNanos() / scale)))
        .withBatchLimit(batchLimit)
        .withMaxConcurrent(256)
        .withRecordLimit(0);
  }
}
