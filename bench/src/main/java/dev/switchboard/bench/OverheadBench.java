package dev.switchboard.bench;

import dev.switchboard.bench.load.ClosedLoopLoad;
import dev.switchboard.bench.load.FastUpstream;
import dev.switchboard.bench.load.LoadResult;
import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.config.DeploymentConfig;
import dev.switchboard.gateway.config.GatewaySettings;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.HealthSettings;
import dev.switchboard.gateway.worker.WorkerSpec;
import dev.switchboard.gateway.worker.WorkerType;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Gateway overhead: the same closed-loop load, direct to a fast upstream and through the gateway, at 1 and 64
 * connections, JSON and SSE — all in one run, so the ratios compare like with like on a shared machine.
 */
@Command(name = "overhead", mixinStandardHelpOptions = true,
    description = "Measure the gateway's added latency and throughput cost against a direct connection.")
public final class OverheadBench implements Callable<Integer> {
  @Option(names = "--duration-secs", defaultValue = "10", description = "measured seconds per cell (default ${DEFAULT-VALUE})")
  int durationSecs;

  @Option(names = "--warmup-secs", defaultValue = "5", description = "unmeasured seconds before each cell (default ${DEFAULT-VALUE})")
  int warmupSecs;

  @Option(names = "--connections", split = ",", defaultValue = "1,64", description = "connection counts (default ${DEFAULT-VALUE})")
  List<Integer> connections;

  @Option(names = "--json", description = "print JSON instead of a table")
  boolean json;

  private static final String CHAT = "{\"model\":\"bench-model\",\"messages\":[{\"role\":\"system\",\"content\":\"You are a helpful assistant.\"},"
      + "{\"role\":\"user\",\"content\":\"Write one sentence about foxes, please. Keep it short and plain.\"}],\"max_tokens\":32";

  record Cell(String body, int connections, LoadResult direct, LoadResult gateway) {}

  @Override
  public Integer call() throws Exception {
    List<Cell> cells = new ArrayList<>();
    try (FastUpstream upstream = new FastUpstream();
         Gateway gateway = Gateway.start(deployment(upstream.port()));
         ClosedLoopLoad load = new ClosedLoopLoad()) {
      awaitReady(gateway);
      for (String kind : List.of("json", "sse")) {
        Buffer body = Buffer.buffer(CHAT + (kind.equals("sse") ? ",\"stream\":true}" : "}"));
        for (int c : connections) {
          Duration warm = Duration.ofSeconds(warmupSecs);
          Duration run = Duration.ofSeconds(durationSecs);
          LoadResult direct = load.run("127.0.0.1", upstream.port(), "/v1/chat/completions", body, c, warm, run);
          LoadResult via = load.run("127.0.0.1", gateway.port(), "/v1/chat/completions", body, c, warm, run);
          cells.add(new Cell(kind, c, direct, via));
          if (!json) System.err.printf("measured %s c=%d%n", kind, c);
        }
      }
    }
    System.out.println(json ? toJson(cells) : toTable(cells));
    return 0;
  }

  static DeploymentConfig deployment(int upstreamPort) {
    GatewaySettings g = GatewaySettings.DEFAULTS.withHost("127.0.0.1").withPort(0)
        .withHealth(new HealthSettings(Duration.ofSeconds(5), Duration.ofSeconds(2), 3, 1, "/health"));
    return new DeploymentConfig(g, Map.of(), List.of(
        WorkerSpec.of("http://127.0.0.1:" + upstreamPort, "bench-model", WorkerType.REGULAR, ConnectionMode.HTTP)));
  }

  static void awaitReady(Gateway gateway) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!gateway.routers().ready()) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("gateway did not become ready");
      Thread.sleep(20);
    }
  }

  private static String toTable(List<Cell> cells) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%-5s %5s | %12s %9s %9s | %12s %9s %9s | %10s %11s%n", "body", "conns",
        "direct rps", "p50 µs", "p99 µs", "gateway rps", "p50 µs", "p99 µs", "added p50", "gw/direct"));
    for (Cell c : cells) {
      sb.append(String.format("%-5s %5d | %12.0f %9d %9d | %12.0f %9d %9d | %8d µs %10.2f%n", c.body(), c.connections(),
          c.direct().requestsPerSecond(), c.direct().percentileMicros(0.5), c.direct().percentileMicros(0.99),
          c.gateway().requestsPerSecond(), c.gateway().percentileMicros(0.5), c.gateway().percentileMicros(0.99),
          c.gateway().percentileMicros(0.5) - c.direct().percentileMicros(0.5),
          c.gateway().requestsPerSecond() / c.direct().requestsPerSecond()));
    }
    sb.append(String.format("errors: direct %d, gateway %d; %d cores, %s %s%n",
        cells.stream().mapToLong(c -> c.direct().errors()).sum(), cells.stream().mapToLong(c -> c.gateway().errors()).sum(),
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"), System.getProperty("java.version")));
    return sb.toString();
  }

  private static String toJson(List<Cell> cells) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < cells.size(); i++) {
      Cell c = cells.get(i);
      if (i > 0) sb.append(',');
      sb.append(String.format(java.util.Locale.ROOT,
          "{\"body\":\"%s\",\"connections\":%d,\"direct\":{\"rps\":%.1f,\"p50_us\":%d,\"p99_us\":%d,\"errors\":%d},"
              + "\"gateway\":{\"rps\":%.1f,\"p50_us\":%d,\"p99_us\":%d,\"errors\":%d}}",
          c.body(), c.connections(), c.direct().requestsPerSecond(), c.direct().percentileMicros(0.5),
          c.direct().percentileMicros(0.99), c.direct().errors(), c.gateway().requestsPerSecond(),
          c.gateway().percentileMicros(0.5), c.gateway().percentileMicros(0.99), c.gateway().errors()));
    }
    return sb.append(']').toString();
  }
}
