package dev.switchboard.bench.routing;

import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.config.DeploymentConfig;
import dev.switchboard.gateway.config.GatewaySettings;
import dev.switchboard.gateway.config.ModelSettings;
import dev.switchboard.gateway.policy.PolicySpec;
import dev.switchboard.gateway.worker.ConnectionMode;
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
  private static final com.fasterxml.jackson.databind.JsonNode WARM_PROMPT =
      new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("prompt", "warm up");

  /** A run plan: which workloads and policies, how hard to push, and the simulated fleet. */
  public record Plan(List<Workload> workloads, List<String> policies, int workers, SimConfig sim,
      int concurrency, int multiTurnConcurrency, double rate, long seed, int repeat, List<Integer> replicas,
      boolean kvEvents) {
    public Plan(List<Workload> workloads, List<String> policies, int workers, SimConfig sim,
        int concurrency, int multiTurnConcurrency, double rate, long seed, int repeat) {
      this(workloads, policies, workers, sim, concurrency, multiTurnConcurrency, rate, seed, repeat, List.of(1), false);
    }
  }

  private RoutingBench() {}

  public static List<RoutingRow> run(Plan plan, Consumer<RoutingRow> progress) throws Exception {
    List<RoutingRow> rows = new ArrayList<>();
    try (SimFleet fleet = new SimFleet(plan.workers(), plan.sim(), plan.kvEvents())) {
      warmUp(fleet, plan);
      for (Workload w : plan.workloads()) {
        int concurrency = w.name().equals("multi-turn") ? plan.multiTurnConcurrency() : plan.concurrency();
        for (int replicas : plan.replicas()) {
          Map<String, List<RoutingRow>> runs = new LinkedHashMap<>();
          int n = plan.policies().size();
          for (int round = 0; round < plan.repeat(); round++) {
            for (int k = 0; k < n; k++) {
              String policy = plan.policies().get((k + round) % n); // rotate so no policy always runs first
              runs.computeIfAbsent(policy, p -> new ArrayList<>())
                  .add(runOne(fleet, w, policy, replicas, concurrency, plan.rate(), plan.seed()));
            }
          }
          for (String policy : plan.policies()) {
            RoutingRow row = median(runs.get(policy));
            rows.add(row);
            progress.accept(row);
          }
        }
      }
    }
    return rows;
  }

  /** Each column's median over the runs (the run itself when there is one); max/min per worker from the same runs. */
  static RoutingRow median(List<RoutingRow> runs) {
    RoutingRow first = runs.getFirst();
    return new RoutingRow(first.workload(), first.policy(), first.requests(),
        (int) med(runs, RoutingRow::errors), med(runs, RoutingRow::requestsPerSec), med(runs, RoutingRow::outputTokensPerSec),
        med(runs, RoutingRow::hitRate), med(runs, RoutingRow::ttftP50Ms), med(runs, RoutingRow::ttftP99Ms),
        med(runs, RoutingRow::e2eP50Ms), med(runs, RoutingRow::e2eP99Ms), (long) med(runs, RoutingRow::maxPerWorker),
        (long) med(runs, RoutingRow::minPerWorker), med(runs, RoutingRow::wallSecs), first.replicas());
  }

  private static double med(List<RoutingRow> runs, java.util.function.ToDoubleFunction<RoutingRow> column) {
    double[] v = runs.stream().mapToDouble(column).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** A short unmeasured run so the JIT has compiled the gateway, the simulator and the driver. */
  private static void warmUp(SimFleet fleet, Plan plan) throws Exception {
    Workload warm = new Workloads(plan.seed() + 1).uniform(plan.workers() * 96, 64, 16);
    runOne(fleet, warm, "round_robin", 1, plan.concurrency(), Double.POSITIVE_INFINITY, plan.seed());
  }

  /**
   * One run: {@code replicas} gateways in front of the same fleet, each with its own policy state (private trees,
   * its own view of the KV events) and its own load polls; the driver spreads requests over them.
   */
  static RoutingRow runOne(SimFleet fleet, Workload workload, String policy, int replicas, int concurrency, double rate,
      long seed) throws Exception {
    fleet.idleAndFlush();
    List<String> urls = fleet.urls();
    List<dev.switchboard.gateway.worker.KvEventsSpec> kv = fleet.kvEvents();
    List<WorkerSpec> specs = new ArrayList<>();
    for (int i = 0; i < urls.size(); i++) {
      WorkerSpec spec = WorkerSpec.of(urls.get(i), MODEL, WorkerType.REGULAR, ConnectionMode.HTTP);
      specs.add(kv.isEmpty() ? spec : spec.withKvEvents(kv.get(i)));
    }
    String tokenizer = fleet.tokenizerPath();
    Map<String, ModelSettings> models = tokenizer == null ? Map.of()
        : Map.of(MODEL, ModelSettings.NONE.withTokenizer(tokenizer));
    List<Gateway> gateways = new ArrayList<>();
    try {
      for (int r = 0; r < replicas; r++) {
        GatewaySettings settings = GatewaySettings.DEFAULTS.withHost("127.0.0.1").withPort(freePort())
            .withPolicy(spec(policy)).withMaxAttempts(1);
        gateways.add(Gateway.start(new DeploymentConfig(settings, models, specs)));
      }
      for (Gateway g : gateways) awaitHealthy(g);
      SimFleet.Counters before = fleet.counters();
      LoadDriver.Run run;
      try (LoadDriver driver = new LoadDriver("127.0.0.1", gateways.stream().map(Gateway::port).toList(), MODEL, concurrency)) {
        run = driver.run(workload, concurrency, rate, seed);
      }
      SimFleet.Counters d = fleet.counters().minus(before);
      return row(workload.name(), policy, replicas, run, d);
    } finally {
      gateways.forEach(Gateway::close);
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
    while (!gateway.registry().snapshot().all().stream().allMatch(w -> w.isHealthy()
        && (w.spec().kvEvents() == null || gateway.kvEvents().synced(w)))
        || (gateway.config().model(MODEL).tokenizer() != null
            && gateway.kvEvents().prompts().encode(MODEL, "/v1/completions", WARM_PROMPT) == null)) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("the simulated workers did not turn healthy");
      Thread.sleep(10);
    }
  }

  private static RoutingRow row(String workload, String policy, int replicas, LoadDriver.Run run, SimFleet.Counters d) {
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
        perWorker.length == 0 ? 0 : perWorker[perWorker.length - 1], perWorker.length == 0 ? 0 : perWorker[0], secs,
        replicas);
  }

  /** {@code name} or {@code name:key=value:key=value} (e.g. {@code kv_aware:load_weight=0.5}). */
  static PolicySpec spec(String policy) {
    String[] parts = policy.split(":");
    Map<String, Object> params = new LinkedHashMap<>();
    for (int i = 1; i < parts.length; i++) {
      String[] kv = parts[i].split("=", 2);
      if (kv.length != 2) throw new IllegalArgumentException("policy parameter '" + parts[i] + "' is not key=value");
      params.put(kv[0], kv[1]);
    }
    return new PolicySpec(parts[0], params);
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
