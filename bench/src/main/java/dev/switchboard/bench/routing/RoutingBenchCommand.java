package dev.switchboard.bench.routing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.switchboard.gateway.policy.PolicySpec;
import dev.switchboard.sim.SimConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code switchboard bench routing}: routing quality of each policy over simulated KV caches. */
@Command(name = "routing", mixinStandardHelpOptions = true,
    description = {
        "Starts simulated workers with KV prefix caches and, per policy, a gateway in this process, drives each",
        "workload through the gateway over HTTP (streaming /v1/completions) and prints one row per policy.",
        "Lengths are in tokens (the simulator counts one token per word). --scale shrinks every length and the",
        "cache capacity and slows the simulated engine by the same factor: the same simulated time, less CPU."})
public final class RoutingBenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--workers", defaultValue = "8", description = "simulated workers (default ${DEFAULT-VALUE})")
  int workers;
  @Option(names = "--workloads", split = ",", defaultValue = "shared-prefix,multi-turn,uniform",
      description = "shared-prefix, multi-turn, uniform (default ${DEFAULT-VALUE})")
  List<String> workloads;
  @Option(names = "--policies", split = ",",
      defaultValue = "round_robin,random,power_of_two,consistent_hash,cache_aware_classic,cache_aware",
      description = "policies to compare, each a name or name:key=value:... (default ${DEFAULT-VALUE})")
  List<String> policies;
  @Option(names = "--scale", defaultValue = "0.0625", description = "length and cache scale, 0 < s <= 1 (default ${DEFAULT-VALUE})")
  double scale;
  @Option(names = "--seed", defaultValue = "1", description = "workload and order seed (default ${DEFAULT-VALUE})")
  long seed;
  @Option(names = "--concurrency", defaultValue = "128", description = "requests in flight for shared-prefix and uniform (default ${DEFAULT-VALUE})")
  int concurrency;
  @Option(names = "--conversations", defaultValue = "64", description = "conversations in progress for multi-turn (default ${DEFAULT-VALUE})")
  int conversations;
  @Option(names = "--rate", defaultValue = "inf", description = "requests (scripts) started per second, Poisson; inf = as fast as concurrency allows")
  String rate;
  @Option(names = "--repeat", defaultValue = "1", description = "runs per policy, in rotated order; each number shown is its median over the runs (default ${DEFAULT-VALUE})")
  int repeat;
  @Option(names = "--replicas", split = ",", defaultValue = "1",
      description = "gateway replicas in front of the same fleet, e.g. 1,2,4,8; requests go round them (default ${DEFAULT-VALUE})")
  List<Integer> replicas;
  @Option(names = "--kv-events", description = "workers tokenize with the bundled Qwen3 tokenizer and publish KV events "
      + "(even workers vLLM's dialect, odd SGLang's); the gateways tokenize with it too. On by itself with kv_aware.")
  boolean kvEvents;
  @Option(names = "--json", description = "print JSON instead of a table")
  boolean json;

  @Option(names = "--groups", defaultValue = "64", description = "shared-prefix: groups (default ${DEFAULT-VALUE})")
  int groups;
  @Option(names = "--prompts-per-group", defaultValue = "16", description = "shared-prefix: prompts per group (default ${DEFAULT-VALUE})")
  int promptsPerGroup;
  @Option(names = "--system-len", defaultValue = "2048", description = "shared-prefix: system prompt tokens (default ${DEFAULT-VALUE})")
  int systemLen;
  @Option(names = "--question-len", defaultValue = "128", description = "shared-prefix: question tokens (default ${DEFAULT-VALUE})")
  int questionLen;
  @Option(names = "--output-len", defaultValue = "256", description = "shared-prefix and uniform: output tokens (default ${DEFAULT-VALUE})")
  int outputLen;
  @Option(names = "--uniform-requests", defaultValue = "512", description = "uniform: requests, each system-len + question-len tokens (default ${DEFAULT-VALUE})")
  int uniformRequests;
  @Option(names = "--clients", defaultValue = "128", description = "multi-turn: conversations (default ${DEFAULT-VALUE})")
  int clients;
  @Option(names = "--turns", defaultValue = "5", description = "multi-turn: mean turns per conversation (default ${DEFAULT-VALUE})")
  int turns;
  @Option(names = "--first-len", defaultValue = "1024", description = "multi-turn: first prompt tokens (default ${DEFAULT-VALUE})")
  int firstLen;
  @Option(names = "--first-range-ratio", defaultValue = "0.25", description = "multi-turn: first prompts are uniform in [ratio * first-len, first-len] tokens (default ${DEFAULT-VALUE})")
  double firstRangeRatio;
  @Option(names = "--turn-len", defaultValue = "128", description = "multi-turn: tokens added per later turn (default ${DEFAULT-VALUE})")
  int turnLen;
  @Option(names = "--turn-output-len", defaultValue = "128", description = "multi-turn: output tokens per turn (default ${DEFAULT-VALUE})")
  int turnOutputLen;

  @Option(names = "--cache-tokens", defaultValue = "24576", description = "KV cache per worker, tokens (default ${DEFAULT-VALUE})")
  int cacheTokens;
  @Option(names = "--block-size", defaultValue = "16", description = "KV cache block, tokens (default ${DEFAULT-VALUE})")
  int blockSize;
  @Option(names = "--prefill-us", defaultValue = "20", description = "prefill time per uncached token, µs (default ${DEFAULT-VALUE})")
  double prefillMicros;
  @Option(names = "--step-ms", defaultValue = "1", description = "decode step time, ms (default ${DEFAULT-VALUE})")
  double stepMillis;
  @Option(names = "--batch-limit", defaultValue = "16", description = "requests one decode step serves (default ${DEFAULT-VALUE})")
  int batchLimit;

  public RoutingBenchCommand() {}

  private int scaled(int tokens) {
    return Math.max(1, (int) Math.round(tokens * scale));
  }

  @Override
  public Integer call() throws Exception {
    if (!(scale > 0 && scale <= 1)) throw new ParameterException(spec.commandLine(), "--scale must be in (0, 1], not " + scale);
    if (workers < 1) throw new ParameterException(spec.commandLine(), "--workers must be at least 1");
    for (String p : policies) {
      if (!PolicySpec.NAMES.contains(p.split(":")[0])) throw new ParameterException(spec.commandLine(), "unknown policy '" + p + "' (known: " + PolicySpec.NAMES + ")");
    }
    double r = rate.equalsIgnoreCase("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(rate);
    List<Workload> list = new ArrayList<>();
    for (String name : workloads) {
      Workloads gen = new Workloads(seed);
      list.add(switch (name) {
        case "shared-prefix" -> gen.sharedPrefix(groups, promptsPerGroup, scaled(systemLen), scaled(questionLen), scaled(outputLen));
        case "uniform" -> gen.uniform(uniformRequests, scaled(systemLen) + scaled(questionLen), scaled(outputLen));
        case "multi-turn" -> gen.multiTurn(clients, turns, scaled(firstLen), firstRangeRatio, scaled(turnLen), scaled(turnOutputLen));
        default -> throw new ParameterException(spec.commandLine(), "unknown workload '" + name + "' (shared-prefix, multi-turn, uniform)");
      });
    }
    for (int n : replicas) if (n < 1) throw new ParameterException(spec.commandLine(), "--replicas must be at least 1, not " + n);
    boolean events = kvEvents || policies.stream().anyMatch(p -> p.startsWith("kv_aware"));
    SimConfig sim = RoutingBench.simConfig(scale, cacheTokens, blockSize,
        Duration.ofNanos(Math.round(prefillMicros * 1_000)), Duration.ofNanos(Math.round(stepMillis * 1_000_000)), batchLimit);
    double tokensPerWord = 1;
    if (events) {
      // Qwen3 cuts the workloads' pseudo-words into several tokens: grow the cache and cheapen prefill per token by
      // the same factor, so a prompt weighs on the cache and the engine as it does in words
      String sample = new Workloads(seed + 2).text(4_000);
      tokensPerWord = dev.switchboard.text.BundledTokenizers.qwen3().encode(sample).length / 4_000.0;
      sim = sim.withTokenizerPath(dev.switchboard.text.BundledTokenizers.qwen3Dir().toString())
          .withCacheCapacityTokens((int) Math.round(sim.cacheCapacityTokens() * tokensPerWord))
          .withPrefillTimePerToken(Duration.ofNanos(Math.round(sim.prefillTimePerToken().toNanos() / tokensPerWord)));
    }
    RoutingBench.Plan plan = new RoutingBench.Plan(list, policies, workers, sim, concurrency, conversations, r, seed,
        Math.max(1, repeat), replicas, events);
    if (!json) {
      System.out.printf(Locale.ROOT, "%d simulated workers; cache %d tokens, block %d, prefill %.0f µs/token, step %.2f ms, batch %d; scale %s%n",
          workers, sim.cacheCapacityTokens(), blockSize, sim.prefillTimePerToken().toNanos() / 1e3,
          sim.timePerToken().toNanos() / 1e6, batchLimit, scale);
      if (events) System.out.printf(Locale.ROOT, "KV events on: workers and gateways tokenize with Qwen3's tokenizer, %.2f tokens per "
          + "workload word; cache and prefill cost per token scaled by it (workload lengths are in words)%n", tokensPerWord);
      System.out.printf(Locale.ROOT, "replicas %s; load average %.2f%n", replicas,
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      for (Workload w : list) System.out.printf(Locale.ROOT, "workload %s: %d requests%n", w.name(), w.requests());
      System.out.println(header());
    }
    if (!json && repeat > 1) System.out.printf(Locale.ROOT, "each number: its median over %d runs (policies in rotated order)%n", repeat);
    List<RoutingRow> rows = RoutingBench.run(plan, row -> {
      if (!json) System.out.println(format(row));
    });
    if (json) {
      System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(rows));
    }
    return rows.stream().anyMatch(row -> row.errors() > 0) ? 1 : 0;
  }

  static String header() {
    return String.format(Locale.ROOT, "%-14s %-20s %4s %6s %8s %10s %7s %9s %9s %9s %9s %7s %7s",
        "workload", "policy", "rep", "errors", "req/s", "out tok/s", "hit", "ttft p50", "ttft p99", "e2e p50", "e2e p99", "max/wk", "min/wk");
  }

  static String format(RoutingRow r) {
    return String.format(Locale.ROOT, "%-14s %-20s %4d %6d %8.1f %10.0f %6.1f%% %7.0fms %7.0fms %7.0fms %7.0fms %7d %7d",
        r.workload(), r.policy(), r.replicas(), r.errors(), r.requestsPerSec(), r.outputTokensPerSec(), r.hitRate() * 100,
        r.ttftP50Ms(), r.ttftP99Ms(), r.e2eP50Ms(), r.e2eP99Ms(), r.maxPerWorker(), r.minPerWorker());
  }
}
