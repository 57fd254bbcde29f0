package dev.switchboard.bench;

import dev.switchboard.bench.load.ClosedLoopLoad;
import dev.switchboard.bench.load.FastUpstream;
import dev.switchboard.bench.load.HttpLoad;
import dev.switchboard.bench.load.LoadStats;
import dev.switchboard.bench.load.WrkLoad;
import dev.switchboard.bench.proxy.ExternalServer;
import dev.switchboard.bench.proxy.Proxies;
import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.config.DeploymentConfig;
import dev.switchboard.gateway.config.GatewaySettings;
import dev.switchboard.gateway.policy.PolicySpec;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.HealthSettings;
import dev.switchboard.gateway.worker.WorkerSpec;
import dev.switchboard.gateway.worker.WorkerType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Gateway overhead side by side with haproxy and nginx, all in one run: a fixed-body upstream (nginx with one
 * worker process, two ports = two workers), then the same load — wrk with 2 threads, or the built-in driver — direct
 * to it, through nginx (2 worker processes), through haproxy (2 threads) and through the gateway (2 event loops,
 * {@code cache_aware}), for a JSON body and for an SSE body of 10 events, at each connection count. Prints each
 * proxy's figures as ratios to haproxy's. Missing binaries are reported and their rows skipped; every process
 * started here is stopped before the command returns.
 */
@Command(name = "overhead", mixinStandardHelpOptions = true,
    description = "Gateway overhead against direct, nginx and haproxy, measured side by side in one run.")
public final class OverheadBench implements Callable<Integer> {
  @Option(names = "--duration-secs", defaultValue = "10", description = "measured seconds per cell (default ${DEFAULT-VALUE})")
  int durationSecs;

  @Option(names = "--warmup-secs", defaultValue = "5", description = "unmeasured seconds before each cell (default ${DEFAULT-VALUE})")
  int warmupSecs;

  @Option(names = "--connections", split = ",", defaultValue = "1,64", description = "connection counts (default ${DEFAULT-VALUE})")
  List<Integer> connections;

  @Option(names = "--bodies", split = ",", defaultValue = "json,sse", description = "json, sse (default ${DEFAULT-VALUE})")
  List<String> bodies;

  @Option(names = "--targets", split = ",", defaultValue = "direct,nginx,haproxy,switchboard",
      description = "what to measure, in this order (default ${DEFAULT-VALUE})")
  List<String> targets;

  @Option(names = "--policy", defaultValue = "cache_aware", description = "the gateway's policy (default ${DEFAULT-VALUE})")
  String policy;

  @Option(names = "--driver", defaultValue = "auto", description = "wrk, builtin, or auto: wrk when installed (default ${DEFAULT-VALUE})")
  String driver;

  @Option(names = "--wrk-threads", defaultValue = "2", description = "wrk threads (default ${DEFAULT-VALUE})")
  int wrkThreads;

  @Option(names = "--rounds", defaultValue = "1", description = "rounds over all targets; medians are printed (default ${DEFAULT-VALUE})")
  int rounds;

  @Option(names = "--jar", paramLabel = "NAME=PATH",
      description = "also measure the gateway of another switchboard.jar (e.g. main's, for before/after in one run), "
          + "started as its own process; NAME joins --targets")
  Map<String, Path> jars = new LinkedHashMap<>();

  @Option(names = "--json", description = "print JSON instead of a table")
  boolean json;

  static final String PATH = "/v1/chat/completions";
  private static final String CHAT = "{\"model\":\"bench-model\",\"messages\":[{\"role\":\"system\",\"content\":\"You are a helpful assistant.\"},"
      + "{\"role\":\"user\",\"content\":\"Write one sentence about foxes, please. Keep it short and plain.\"}],\"max_tokens\":32";

  record Row(String target, LoadStats stats) {}

  record Cell(String body, int connections, List<Row> rows) {
    Optional<LoadStats> of(String target) {
      return rows.stream().filter(r -> r.target().equals(target)).map(Row::stats).findFirst();
    }
  }

  @Override
  public Integer call() throws Exception {
    for (String kind : bodies) {
      if (!kind.equals("json") && !kind.equals("sse")) throw new IllegalArgumentException("unknown body '" + kind + "' (json, sse)");
    }
    Path dir = Files.createTempDirectory("switchboard-overhead");
    List<String> notes = new ArrayList<>();
    String loadBefore = loadAverage();
    Instant started = Instant.now();
    List<Cell> cells;
    try {
      cells = measure(dir, notes);
    } finally {
      deleteTree(dir);
    }
    String loadAfter = loadAverage();
    notes.add("started " + started.truncatedTo(ChronoUnit.SECONDS) + "; load average " + loadBefore + " before, " + loadAfter + " after; "
        + Runtime.getRuntime().availableProcessors() + " cores; " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    System.out.println(json ? toJson(cells, notes) : toTable(cells, notes));
    return 0;
  }

  private List<Cell> measure(Path dir, List<String> notes) throws Exception {
    Optional<String> nginx = Proxies.binary("nginx");
    Optional<String> haproxy = Proxies.binary("haproxy");
    Optional<String> wrk = driver.equals("builtin") ? Optional.empty() : Proxies.binary("wrk");
    if (driver.equals("wrk") && wrk.isEmpty()) throw new IllegalStateException("--driver wrk: wrk is not installed (apt-get install -y wrk)");
    if (nginx.isEmpty()) notes.add("nginx not installed (apt-get install -y nginx-light): upstream is FastUpstream (Vert.x), no nginx row");
    if (haproxy.isEmpty()) notes.add("haproxy not installed (apt-get install -y haproxy): no haproxy row, no ratios");
    if (wrk.isEmpty() && !driver.equals("builtin")) notes.add("wrk not installed (apt-get install -y wrk): the built-in driver runs the load");

    List<AutoCloseable> open = new ArrayList<>();
    try {
      int[] upstreamPorts;
      if (nginx.isPresent()) {
        upstreamPorts = ExternalServer.freePorts(2);
        open.add(Proxies.nginxUpstream(nginx.get(), dir, upstreamPorts, FastUpstream.JSON_BODY, FastUpstream.SSE_BODY));
        notes.add("upstream: nginx, 1 worker process, fixed bodies from memory (JSON " + FastUpstream.JSON_BODY.length()
            + " B, SSE " + FastUpstream.SSE_BODY.length() + " B of 10 events), two ports = two workers");
      } else {
        FastUpstream a = new FastUpstream();
        open.add(a);
        FastUpstream b = new FastUpstream();
        open.add(b);
        upstreamPorts = new int[] {a.port(), b.port()};
      }
      Map<String, Integer> ports = new LinkedHashMap<>();
      for (String t : targets) {
        switch (t) {
          case "direct" -> ports.put(t, upstreamPorts[0]);
          case "nginx" -> {
            if (nginx.isEmpty()) continue;
            int p = ExternalServer.freePorts(1)[0];
            open.add(Proxies.nginxProxy(nginx.get(), dir, p, upstreamPorts));
            ports.put(t, p);
          }
          case "haproxy" -> {
            if (haproxy.isEmpty()) continue;
            int p = ExternalServer.freePorts(1)[0];
            open.add(Proxies.haproxy(haproxy.get(), dir, p, upstreamPorts));
            ports.put(t, p);
          }
          case "switchboard" -> {
            Gateway gateway = Gateway.start(deployment(upstreamPorts, PolicySpec.named(policy)));
            open.add(gateway);
            awaitReady(gateway);
            ports.put(t, gateway.port());
          }
          default -> {
            Path jar = jars.get(t);
            if (jar == null) throw new IllegalArgumentException("unknown target '" + t + "' (direct, nginx, haproxy, switchboard, or a --jar NAME)");
            int p = ExternalServer.freePorts(1)[0];
            open.add(externalGateway(t, jar, dir, p, upstreamPorts));
            ports.put(t, p);
            notes.add(t + ": " + jar + " as its own process (java -jar ... serve), policy " + policy);
          }
        }
      }
      HttpLoad load = wrk.isPresent() ? new WrkLoad(wrk.get(), wrkThreads, dir) : new ClosedLoopLoad();
      open.add(load);
      notes.add("load: " + load.describe() + "; POST " + PATH + ", " + CHAT.length() + "-byte body; gateway policy " + policy
          + "; " + warmupSecs + " s warm-up + " + durationSecs + " s per cell" + (rounds > 1 ? ", medians of " + rounds + " rounds" : ""));
      return cells(load, ports, load instanceof WrkLoad);
    } finally {
      for (int i = open.size() - 1; i >= 0; i--) {
        try {
          open.get(i).close();
        } catch (Exception e) {
          System.err.println("overhead: stopping " + open.get(i) + " failed: " + e);
        }
      }
    }
  }

  /** This JVM's CPU and allocation per gateway request, per cell (only when the load runs in another process). */
  private final Map<String, List<JvmCost.PerRequest>> costs = new LinkedHashMap<>();

  private List<Cell> cells(HttpLoad load, Map<String, Integer> ports, boolean external) throws Exception {
    List<Cell> cells = new ArrayList<>();
    Duration warm = Duration.ofSeconds(warmupSecs);
    Duration run = Duration.ofSeconds(durationSecs);
    for (Map.Entry<String, Integer> t : ports.entrySet()) {
      if (warm.isZero() || !(t.getKey().equals("switchboard") || jars.containsKey(t.getKey()))) continue;
      // the JIT compiles each gateway's path once, here, instead of inside the first cells
      int most = connections.stream().mapToInt(Integer::intValue).max().orElse(1);
      for (String kind : bodies) {
        load.run(t.getValue(), PATH, body(kind), headers(kind), most, Duration.ZERO, warm.multipliedBy(2));
      }
    }
    for (String kind : bodies) {
      byte[] body = body(kind);
      Map<String, String> headers = headers(kind);
      for (Map.Entry<String, Integer> t : ports.entrySet()) check(t.getKey(), t.getValue(), body, headers, kind);
      for (int c : connections) {
        Map<String, List<LoadStats>> runs = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
          for (Map.Entry<String, Integer> t : ports.entrySet()) {
            if (!warm.isZero()) load.run(t.getValue(), PATH, body, headers, c, Duration.ZERO, warm);
            JvmCost cost = JvmCost.start();
            LoadStats stats = load.run(t.getValue(), PATH, body, headers, c, Duration.ZERO, run);
            if (t.getKey().equals("switchboard") && external) costs.computeIfAbsent(kind + " " + c, k -> new ArrayList<>()).add(cost.per(stats.requests()));
            runs.computeIfAbsent(t.getKey(), k -> new ArrayList<>()).add(stats);
            if (!json) System.err.printf("measured %s c=%d %s%n", kind, c, t.getKey());
          }
        }
        List<Row> rows = new ArrayList<>();
        runs.forEach((t, r) -> rows.add(new Row(t, median(r))));
        cells.add(new Cell(kind, c, rows));
      }
    }
    return cells;
  }

  private static byte[] body(String kind) {
    return (CHAT + (kind.equals("sse") ? ",\"stream\":true}" : "}")).getBytes(StandardCharsets.UTF_8);
  }

  private static Map<String, String> headers(String kind) {
    return kind.equals("sse") ? Map.of(Proxies.BODY_HEADER, "sse") : Map.of();
  }

  /** One request through {@code target} before measuring it: a 200 with the upstream's body, byte for byte. */
  private static void check(String target, int port, byte[] body, Map<String, String> headers, String kind) throws Exception {
    java.net.http.HttpRequest.Builder r = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + PATH))
        .header("content-type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(r::header);
    try (java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build()) {
      java.net.http.HttpResponse<String> resp = client.send(r.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      String expected = kind.equals("sse") ? FastUpstream.SSE_BODY : FastUpstream.JSON_BODY;
      if (resp.statusCode() != 200 || !resp.body().equals(expected)) {
        throw new IllegalStateException(target + " answered " + resp.statusCode() + " " + resp.headers().map() + " with "
            + resp.body().length() + " chars instead of the upstream's " + kind + " body: " + resp.body());
      }
    }
  }

  /** Median of each figure on its own (rounds are noisy on a shared machine); errors summed. */
  static LoadStats median(List<LoadStats> runs) {
    if (runs.size() == 1) return runs.getFirst();
    int mid = runs.size() / 2;
    return new LoadStats(
        runs.stream().mapToLong(LoadStats::requests).sorted().skip(mid).findFirst().orElse(0),
        runs.stream().mapToLong(LoadStats::errors).sum(),
        runs.stream().mapToDouble(LoadStats::requestsPerSecond).sorted().skip(mid).findFirst().orElse(0),
        runs.stream().mapToLong(LoadStats::p50Micros).sorted().skip(mid).findFirst().orElse(0),
        runs.stream().mapToLong(LoadStats::p99Micros).sorted().skip(mid).findFirst().orElse(0));
  }

  /** A gateway from another jar, serving the same two workers, ready when its /readiness says 200. */
  private ExternalServer externalGateway(String name, Path jar, Path dir, int port, int[] upstreamPorts) throws Exception {
    Path d = Files.createDirectories(dir.resolve(name));
    StringBuilder yaml = new StringBuilder("gateway:\n  health_check: {interval_secs: 5, timeout_secs: 2, failure_threshold: 3, success_threshold: 1}\nworkers:\n");
    for (int p : upstreamPorts) yaml.append("  - {url: \"http://127.0.0.1:").append(p).append("\", model: bench-model}\n");
    Path cfg = d.resolve("deploy.yaml");
    Files.writeString(cfg, yaml);
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ExternalServer s = ExternalServer.start(name, List.of(javaBin, "--enable-native-access=ALL-UNNAMED", "-jar", jar.toString(), "serve",
        "--config", cfg.toString(), "--host", "127.0.0.1", "--port", Integer.toString(port), "--policy", policy), d, port);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    try (java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient()) {
      while (true) {
        try {
          var r = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/readiness")).build(),
              java.net.http.HttpResponse.BodyHandlers.discarding());
          if (r.statusCode() == 200) return s;
        } catch (IOException e) {
          // not listening yet
        }
        if (System.nanoTime() > deadline) {
          s.close();
          throw new IllegalStateException(name + " did not become ready: " + s);
        }
        Thread.sleep(50);
      }
    }
  }

  static DeploymentConfig deployment(int[] upstreamPorts, PolicySpec policy) {
    GatewaySettings g = GatewaySettings.DEFAULTS.withHost("127.0.0.1").withPort(0).withPolicy(policy)
        .withHealth(new HealthSettings(Duration.ofSeconds(5), Duration.ofSeconds(2), 3, 1, "/health"));
    List<WorkerSpec> workers = new ArrayList<>();
    for (int p : upstreamPorts) {
      workers.add(WorkerSpec.of("http://127.0.0.1:" + p, "bench-model", WorkerType.REGULAR, ConnectionMode.HTTP));
    }
    return new DeploymentConfig(g, Map.of(), workers);
  }

  static void awaitReady(Gateway gateway) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!gateway.routers().ready()) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("gateway did not become ready");
      Thread.sleep(20);
    }
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("overhead: could not remove " + dir + ": " + e);
    }
  }

  private static String ratio(double v, double base) {
    return base <= 0 ? "-" : String.format(Locale.ROOT, "%.2fx", v / base);
  }

  private String toTable(List<Cell> cells, List<String> notes) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%-5s %5s  %-12s %10s %9s %9s %10s | %11s %11s%n", "body", "conns", "target",
        "req/s", "p50 µs", "p99 µs", "added p50", "rps/haproxy", "p99/haproxy"));
    for (Cell c : cells) {
      LoadStats direct = c.of("direct").orElse(null);
      LoadStats ha = c.of("haproxy").orElse(null);
      for (Row r : c.rows()) {
        LoadStats s = r.stats();
        String added = direct == null || r.target().equals("direct") ? "-" : "+" + (s.p50Micros() - direct.p50Micros()) + " µs";
        sb.append(String.format(Locale.ROOT, "%-5s %5d  %-12s %10.0f %9d %9d %10s | %11s %11s%s%n", c.body(), c.connections(),
            r.target(), s.requestsPerSecond(), s.p50Micros(), s.p99Micros(), added,
            ha == null ? "-" : ratio(s.requestsPerSecond(), ha.requestsPerSecond()),
            ha == null ? "-" : ratio(s.p99Micros(), ha.p99Micros()),
            s.errors() > 0 ? "  (" + s.errors() + " errors)" : ""));
      }
    }
    List<String> gateways = new ArrayList<>();
    if (targets.contains("switchboard")) gateways.add("switchboard");
    for (String t : targets) if (jars.containsKey(t)) gateways.add(t);
    for (String g : gateways) sb.append(goals(cells, g));
    costs.forEach((cell, list) -> {
      JvmCost.PerRequest p = list.stream().sorted(Comparator.comparingDouble(JvmCost.PerRequest::cpuMicros)).toList().get(list.size() / 2);
      sb.append(String.format(Locale.ROOT, "gateway JVM %s: %.1f µs CPU and %.1f KiB allocated per request%n", cell,
          p.cpuMicros(), p.allocatedBytes() / 1024.0));
    });
    for (String n : notes) sb.append(n).append('\n');
    return sb.toString();
  }

  /** The goals, read off this run: throughput and p99 at the most connections, added p50 at the fewest. */
  private static String goals(List<Cell> cells, String gateway) {
    StringBuilder sb = new StringBuilder();
    for (Cell c : cells) {
      Optional<LoadStats> gw = c.of(gateway);
      Optional<LoadStats> ha = c.of("haproxy");
      Optional<LoadStats> direct = c.of("direct");
      if (gw.isEmpty() || ha.isEmpty()) continue;
      if (c.connections() > 1) {
        sb.append(String.format(Locale.ROOT, "goal %s %s c=%d: req/s %.2fx haproxy (>= 1.00x), p99 %d vs %d µs (<=): %s%n",
            gateway, c.body(), c.connections(), gw.get().requestsPerSecond() / ha.get().requestsPerSecond(), gw.get().p99Micros(),
            ha.get().p99Micros(), gw.get().requestsPerSecond() >= ha.get().requestsPerSecond() && gw.get().p99Micros() <= ha.get().p99Micros() ? "met" : "not met"));
      } else if (direct.isPresent()) {
        long g = gw.get().p50Micros() - direct.get().p50Micros();
        long h = ha.get().p50Micros() - direct.get().p50Micros();
        sb.append(String.format(Locale.ROOT, "goal %s %s c=1: p50 added to direct %+d µs vs haproxy's %+d µs (<=): %s%n",
            gateway, c.body(), g, h, g <= h ? "met" : "not met"));
      }
    }
    return sb.toString();
  }

  private static String toJson(List<Cell> cells, List<String> notes) {
    StringBuilder sb = new StringBuilder("{\"cells\":[");
    for (int i = 0; i < cells.size(); i++) {
      Cell c = cells.get(i);
      if (i > 0) sb.append(',');
      sb.append("{\"body\":\"").append(c.body()).append("\",\"connections\":").append(c.connections()).append(",\"targets\":{");
      for (int k = 0; k < c.rows().size(); k++) {
        Row r = c.rows().get(k);
        if (k > 0) sb.append(',');
        sb.append(String.format(Locale.ROOT, "\"%s\":{\"rps\":%.1f,\"p50_us\":%d,\"p99_us\":%d,\"errors\":%d}", r.target(),
            r.stats().requestsPerSecond(), r.stats().p50Micros(), r.stats().p99Micros(), r.stats().errors()));
      }
      sb.append("}}");
    }
    sb.append("],\"notes\":[");
    for (int i = 0; i < notes.size(); i++) {
      if (i > 0) sb.append(',');
      sb.append('"').append(notes.get(i).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    }
    return sb.append("]}").toString();
  }
}
