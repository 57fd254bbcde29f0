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
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The cost of the PD router's dual dispatch: one gateway serves a model with one regular worker and a model with
 * a prefill and a decode worker, all instant upstreams; the same closed-loop load runs against both models, so
 * the difference is what bootstrap injection, the second request and waiting for both heads add.
 */
@Command(name = "pd-overhead", mixinStandardHelpOptions = true,
    description = "Measure the latency the PD router's dual dispatch adds over the regular router.")
public final class PdOverheadBench implements Callable<Integer> {
  @Option(names = "--duration-secs", defaultValue = "10", description = "measured seconds per cell (default ${DEFAULT-VALUE})")
  int durationSecs;

  @Option(names = "--warmup-secs", defaultValue = "5", description = "unmeasured seconds before each cell (default ${DEFAULT-VALUE})")
  int warmupSecs;

  @Option(names = "--connections", split = ",", defaultValue = "1,64", description = "connection counts (default ${DEFAULT-VALUE})")
  List<Integer> connections;

  @Option(names = "--rounds", defaultValue = "3", description = "alternating regular/PD rounds per cell; the median round is reported (default ${DEFAULT-VALUE})")
  int rounds;

  private static final String REGULAR_MODEL = "regular-model";
  private static final String PD_MODEL = "pd-model";

  /** Medians over the rounds of one cell. */
  record Stats(double rps, long p50, long p99, long errors) {
    static Stats median(List<LoadResult> runs) {
      return new Stats(
          runs.stream().mapToDouble(LoadResult::requestsPerSecond).sorted().skip(runs.size() / 2).findFirst().orElse(0),
          runs.stream().mapToLong(r -> r.percentileMicros(0.5)).sorted().skip(runs.size() / 2).findFirst().orElse(0),
          runs.stream().mapToLong(r -> r.percentileMicros(0.99)).sorted().skip(runs.size() / 2).findFirst().orElse(0),
          runs.stream().mapToLong(LoadResult::errors).sum());
    }
  }

  record Cell(String body, int connections, Stats regular, Stats pd) {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new PdOverheadBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    List<Cell> cells = new ArrayList<>();
    try (FastUpstream regular = new FastUpstream();
         FastUpstream prefill = new FastUpstream();
         FastUpstream decode = new FastUpstream();
         Gateway gateway = Gateway.start(deployment(regular.port(), prefill.port(), decode.port()));
         ClosedLoopLoad load = new ClosedLoopLoad()) {
      OverheadBench.awaitReady(gateway);
      Duration warm = Duration.ofSeconds(warmupSecs);
      Duration run = Duration.ofSeconds(durationSecs);
      for (String kind : List.of("json", "sse")) {
        for (int c : connections) {
          List<LoadResult> viaRegular = new ArrayList<>();
          List<LoadResult> viaPd = new ArrayList<>();
          for (int round = 0; round < rounds; round++) {
            // Alternate which goes first, so neither side always gets the warmer JIT or the quieter machine.
            boolean pdFirst = round % 2 == 1;
            if (pdFirst) viaPd.add(load.run("127.0.0.1", gateway.port(), "/v1/chat/completions", body(PD_MODEL, kind), c, warm, run));
            viaRegular.add(load.run("127.0.0.1", gateway.port(), "/v1/chat/completions", body(REGULAR_MODEL, kind), c, warm, run));
            if (!pdFirst) viaPd.add(load.run("127.0.0.1", gateway.port(), "/v1/chat/completions", body(PD_MODEL, kind), c, warm, run));
          }
          cells.add(new Cell(kind, c, Stats.median(viaRegular), Stats.median(viaPd)));
          System.err.printf("measured %s c=%d%n", kind, c);
        }
      }
    }
    System.out.println(toTable(cells));
    return 0;
  }

  private static Buffer body(String model, String kind) {
    return Buffer.buffer("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"system\",\"content\":\"You are a helpful assistant.\"},"
        + "{\"role\":\"user\",\"content\":\"Write one sentence about foxes, please. Keep it short and plain.\"}],\"max_tokens\":32"
        + (kind.equals("sse") ? ",\"stream\":true}" : "}"));
  }

  static DeploymentConfig deployment(int regularPort, int prefillPort, int decodePort) {
    GatewaySettings g = GatewaySettings.DEFAULTS.withHost("127.0.0.1").withPort(0)
        .withHealth(new HealthSettings(Duration.ofSeconds(5), Duration.ofSeconds(2), 3, 1, "/health"));
    return new DeploymentConfig(g, Map.of(), List.of(
        WorkerSpec.of("http://127.0.0.1:" + regularPort, REGULAR_MODEL, WorkerType.REGULAR, ConnectionMode.HTTP),
        WorkerSpec.of("http://127.0.0.1:" + prefillPort, PD_MODEL, WorkerType.PREFILL, ConnectionMode.HTTP).withBootstrapPort(8998),
        WorkerSpec.of("http://127.0.0.1:" + decodePort, PD_MODEL, WorkerType.DECODE, ConnectionMode.HTTP)));
  }

  private String toTable(List<Cell> cells) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%-5s %5s | %12s %9s %9s | %12s %9s %9s | %10s %10s%n", "body", "conns",
        "regular rps", "p50 µs", "p99 µs", "pd rps", "p50 µs", "p99 µs", "added p50", "pd/regular"));
    for (Cell c : cells) {
      sb.append(String.format("%-5s %5d | %12.0f %9d %9d | %12.0f %9d %9d | %7d µs %10.2f%n", c.body(), c.connections(),
          c.regular().rps(), c.regular().p50(), c.regular().p99(), c.pd().rps(), c.pd().p50(), c.pd().p99(),
          c.pd().p50() - c.regular().p50(), c.pd().rps() / c.regular().rps()));
    }
    sb.append(String.format("medians of %d alternating rounds; errors: regular %d, pd %d; %d cores, %s %s%n", rounds,
        cells.stream().mapToLong(c -> c.regular().errors()).sum(), cells.stream().mapToLong(c -> c.pd().errors()).sum(),
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"), System.getProperty("java.version")));
    return sb.toString();
  }
}
