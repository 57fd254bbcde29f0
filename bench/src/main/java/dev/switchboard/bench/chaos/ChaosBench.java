package dev.switchboard.bench.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.config.DeploymentConfig;
import dev.switchboard.gateway.config.GatewaySettings;
import dev.switchboard.gateway.config.Timeouts;
import dev.switchboard.gateway.worker.BreakerSettings;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.HealthSettings;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.WorkerSpec;
import dev.switchboard.gateway.worker.WorkerType;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.SimWorker;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Chaos: mixed streaming and non-streaming load through a gateway in front of simulated workers while faults are
 * switched on at random — stalls mid-stream (health still 200), hangs before the first byte, deaths inside an event,
 * 5xx bursts, 429s, flapping, process restarts. Every request is classified by what the client got: a success, a
 * clean error (JSON error, or an SSE error event then [DONE]), hung (nothing complete within the client's timeout),
 * or unanswered (the connection closed without a complete answer). The goal is 0 hung and 0 unanswered.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
    description = "Mixed load on simulated workers with random faults; reports hung and unanswered requests (goal: 0).")
public final class ChaosBench implements java.util.concurrent.Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MODEL = "chaos-model";

  @Option(names = "--minutes", defaultValue = "2", description = "how long the load runs (default ${DEFAULT-VALUE})")
  double minutes;

  @Option(names = "--workers", defaultValue = "4", description = "simulated workers, at least 4 (default ${DEFAULT-VALUE})")
  int workers;

  @Option(names = "--connections", defaultValue = "32", description = "concurrent clients (default ${DEFAULT-VALUE})")
  int connections;

  @Option(names = "--fault-every-ms", defaultValue = "1500", description = "a new random fault this often (default ${DEFAULT-VALUE})")
  long faultEveryMs;

  @Option(names = "--client-timeout-secs", defaultValue = "30", description = "a request with no complete answer by then is hung (default ${DEFAULT-VALUE})")
  int clientTimeoutSecs;

  @Option(names = "--seed", defaultValue = "7", description = "fault schedule seed (default ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--faults", split = ",", description = "only these faults (default: all of ${COMPLETION-CANDIDATES})")
  List<Fault> only;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ChaosBench()).execute(args));
  }

  enum Verdict { SUCCEEDED, CLEAN_ERROR, HUNG, UNANSWERED }

  enum Fault { STALL, HANG, HANG_AFTER_HEADERS, DIE_IN_EVENT, BURST_5XX, BUSY_429, FLAP, SLOW_START, RESTART }

  @Override
  public Integer call() throws Exception {
    if (workers < 4) throw new CommandLine.ParameterException(new CommandLine(this), "--workers must be at least 4");
    Vertx simVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    SimConfig base = SimConfig.of(MODEL).withHost("127.0.0.1").withTtft(Duration.ofMillis(20)).withTimePerToken(Duration.ofMillis(4))
        .withPrefillTimePerToken(Duration.ZERO).withDefaultMaxTokens(16).withRecordLimit(0);
    AtomicReferenceArray<SimWorker> sims = new AtomicReferenceArray<>(workers);
    int[] ports = new int[workers];
    List<WorkerSpec> specs = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      SimWorker s = SimWorker.start(base.withSeed(seed + i), simVertx);
      sims.set(i, s);
      ports[i] = s.port();
      specs.add(WorkerSpec.of(s.url(), MODEL, WorkerType.REGULAR, ConnectionMode.HTTP));
    }
    AtomicLongArray retiredAttempts = new AtomicLongArray(workers); // inference requests of restarted sims
    GatewaySettings g = GatewaySettings.DEFAULTS.withHost("127.0.0.1").withPort(0)
        .withHealth(new HealthSettings(Duration.ofMillis(500), Duration.ofSeconds(1), 2, 1, "/health"))
        .withTimeouts(new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(20)))
        .withCircuitBreaker(new BreakerSettings(5, Duration.ofSeconds(30), Duration.ofSeconds(5), 1));
    Gateway gateway = Gateway.start(new DeploymentConfig(g, Map.of(), specs));
    Vertx clientVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    ScheduledExecutorService chaos = Executors.newSingleThreadScheduledExecutor();
    try {
      long readyBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!gateway.routers().ready() && System.nanoTime() < readyBy) Thread.sleep(50); // startup, not synchronisation in a test
      HttpClientAgent client = clientVertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
          new PoolOptions().setHttp1MaxSize(connections));
      Tally warm = new Tally();
      drive(clientVertx, client, gateway.port(), System.nanoTime() + TimeUnit.SECONDS.toNanos(5), warm);
      long heapBefore = usedHeapAfterGc();

      SplittableRandom random = new SplittableRandom(seed);
      LongAdder faults = new LongAdder();
      long[] perFault = new long[Fault.values().length];
      chaos.scheduleAtFixedRate(() -> {
        try {
          int w = random.nextInt(workers);
          Fault[] pool = only == null || only.isEmpty() ? Fault.values() : only.toArray(Fault[]::new);
          Fault f = pool[random.nextInt(pool.length)];
          long lastsMs = 1000 + random.nextInt(4000);
          faults.increment();
          perFault[f.ordinal()]++;
          inject(sims, ports, retiredAttempts, base, simVertx, w, f, random.nextInt(4), lastsMs, chaos);
        } catch (RuntimeException e) {
          System.err.println("chaos: " + e);
        }
      }, 500, faultEveryMs, TimeUnit.MILLISECONDS);

      long attemptsBefore = attempts(sims, retiredAttempts);
      long transitionsBefore = transitions(gateway);
      Tally tally = new Tally();
      long start = System.nanoTime();
      drive(clientVertx, client, gateway.port(), start + (long) (minutes * 60e9), tally);
      double seconds = (System.nanoTime() - start) / 1e9;
      chaos.shutdownNow();
      chaos.awaitTermination(5, TimeUnit.SECONDS);
      long upstream = attempts(sims, retiredAttempts) - attemptsBefore;
      long transitions = transitions(gateway) - transitionsBefore;
      for (int i = 0; i < workers; i++) sims.get(i).controls().reset();
      long heapAfter = usedHeapAfterGc();
      System.out.println(report(tally, seconds, upstream, transitions, heapBefore, heapAfter, faults.sum(), perFault));

      // A dead fleet: every worker answers 503. The breakers open, then requests must be refused fast, without a
      // backoff storm. The first seconds (breakers still closed) are the cost of finding out; then it is measured.
      for (int i = 0; i < workers; i++) sims.get(i).controls().failNext(Integer.MAX_VALUE, 503);
      drive(clientVertx, client, gateway.port(), System.nanoTime() + TimeUnit.SECONDS.toNanos(3), new Tally());
      long deadBefore = attempts(sims, retiredAttempts);
      Tally dead = new Tally();
      drive(clientVertx, client, gateway.port(), System.nanoTime() + TimeUnit.SECONDS.toNanos(10), dead);
      long deadAttempts = attempts(sims, retiredAttempts) - deadBefore;
      System.out.printf("dead fleet (every worker 503, breakers open): %d requests in 10 s, %s; p50 %.2f ms, p99 %.2f ms,"
          + " %.3f upstream attempts per request%n", dead.total(), dead.errors(), dead.anyPercentileMicros(0.5) / 1000.0,
          dead.anyPercentileMicros(0.99) / 1000.0, (double) deadAttempts / Math.max(1, dead.total()));
      return tally.count(Verdict.HUNG) + tally.count(Verdict.UNANSWERED) == 0 ? 0 : 1;
    } finally {
      chaos.shutdownNow();
      gateway.close();
      clientVertx.close().await();
      for (int i = 0; i < workers; i++) {
        try {
          sims.get(i).close();
        } catch (RuntimeException ignored) {
          // already closed by a restart in progress
        }
      }
      simVertx.close().await();
    }
  }

  private static void inject(AtomicReferenceArray<SimWorker> sims, int[] ports, AtomicLongArray retired, SimConfig base,
      Vertx simVertx, int w, Fault f, int events, long lastsMs, ScheduledExecutorService chaos) {
    SimWorker sim = sims.get(w);
    var c = sim.controls();
    switch (f) {
      case STALL -> c.stallAfterEvents(events);
      case HANG -> c.hang(true);
      case HANG_AFTER_HEADERS -> c.hangAfterHeaders(true);
      case DIE_IN_EVENT -> c.dieInsideEvent(events);
      case BURST_5XX -> c.failNext(10 + events * 10, 503);
      case BUSY_429 -> c.retryAfter(Duration.ofSeconds(1)).failNext(10, 429);
      case FLAP -> c.flap(Duration.ofMillis(300), Duration.ofMillis(300));
      case SLOW_START -> c.slowStart(Duration.ofMillis(500 + events * 1000L));
      case RESTART -> {
        retired.addAndGet(w, inference(sim));
        sim.close(); // the process dies: connections refused until it is back
        chaos.schedule(() -> {
          sims.set(w, SimWorker.start(base.withPort(ports[w]).withSeed(ports[w]), simVertx));
        }, lastsMs, TimeUnit.MILLISECONDS);
        return;
      }
    }
    chaos.schedule(() -> sims.get(w).controls().reset(), lastsMs, TimeUnit.MILLISECONDS);
  }

  private static long inference(SimWorker s) {
    return s.stats().requests("/v1/chat/completions");
  }

  private static long attempts(AtomicReferenceArray<SimWorker> sims, AtomicLongArray retired) {
    long sum = 0;
    for (int i = 0; i < sims.length(); i++) sum += inference(sims.get(i)) + retired.get(i);
    return sum;
  }

  private static long transitions(Gateway gateway) {
    long sum = 0;
    for (Worker w : gateway.registry().snapshot().all()) sum += w.breaker().transitions();
    return sum;
  }

  /** Closed-loop load until {@code deadline}: each client sends its next request when the last one is judged. */
  private void drive(Vertx vertx, HttpClientAgent client, int port, long deadline, Tally tally) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(connections);
    AtomicLong n = new AtomicLong();
    for (int i = 0; i < connections; i++) vertx.runOnContext(v -> next(vertx, client, port, deadline, tally, n, done));
    if (!done.await((long) ((deadline - System.nanoTime()) / 1e9) + clientTimeoutSecs + 30, TimeUnit.SECONDS)) {
      System.err.println("chaos: some clients never finished");
    }
  }

  private void next(Vertx vertx, HttpClientAgent client, int port, long deadline, Tally tally, AtomicLong n, CountDownLatch done) {
    if (System.nanoTime() >= deadline) {
      done.countDown();
      return;
    }
    long id = n.incrementAndGet();
    boolean stream = (id & 1) == 0;
    Buffer body = Buffer.buffer("{\"model\":\"" + MODEL + "\",\"stream\":" + stream + ",\"max_tokens\":16,"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"chaos request " + id + " tell me something\"}]}");
    long t0 = System.nanoTime();
    boolean[] judged = {false};
    Runnable[] cancel = {() -> {}};
    java.util.function.Consumer<Verdict> judge = verdict -> {
      if (judged[0]) return;
      judged[0] = true;
      tally.add(verdict, (System.nanoTime() - t0) / 1_000);
      next(vertx, client, port, deadline, tally, n, done);
    };
    long timer = vertx.setTimer(TimeUnit.SECONDS.toMillis(clientTimeoutSecs), t -> {
      cancel[0].run();
      judge.accept(Verdict.HUNG);
    });
    RequestOptions ro = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
        .setURI("/v1/chat/completions").putHeader("content-type", "application/json");
    client.request(ro).compose(req -> {
      cancel[0] = req::reset;
      return req.send(body);
    }).compose(resp -> resp.body().map(b -> {
      Verdict v = classify(resp.statusCode(), stream, b);
      if (v == Verdict.CLEAN_ERROR) tally.error(resp.statusCode() == 200 ? "sse error" : Integer.toString(resp.statusCode()));
      return v;
    })).onComplete(ar -> {
      vertx.cancelTimer(timer);
      judge.accept(ar.succeeded() ? ar.result() : Verdict.UNANSWERED);
    });
  }

  /** What the client got, read as a client would. */
  static Verdict classify(int status, boolean stream, Buffer body) {
    String text = body.toString();
    try {
      if (status == 200 && !stream) return JSON.readTree(text).has("choices") ? Verdict.SUCCEEDED : Verdict.UNANSWERED;
      if (status == 200) {
        List<String> data = Arrays.stream(text.split("\n")).filter(l -> l.startsWith("data: ")).toList();
        if (data.isEmpty() || !data.getLast().equals("data: [DONE]")) return Verdict.UNANSWERED;
        if (data.size() >= 2 && data.get(data.size() - 2).contains("\"error\"")) {
          JsonNode error = JSON.readTree(data.get(data.size() - 2).substring(6)).path("error");
          return error.path("message").isTextual() ? Verdict.CLEAN_ERROR : Verdict.UNANSWERED;
        }
        return Verdict.SUCCEEDED;
      }
      return JSON.readTree(text).path("error").path("message").isTextual() ? Verdict.CLEAN_ERROR : Verdict.UNANSWERED;
    } catch (Exception notJson) {
      return Verdict.UNANSWERED;
    }
  }

  private static long usedHeapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) System.gc();
    return rt.totalMemory() - rt.freeMemory();
  }

  /** Counts by verdict and the latencies of successes; thread-safe. */
  static final class Tally {
    private final LongAdder[] counts = new LongAdder[Verdict.values().length];
    private final List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<Long> all = java.util.Collections.synchronizedList(new ArrayList<>());
    private final java.util.concurrent.ConcurrentSkipListMap<String, LongAdder> errors = new java.util.concurrent.ConcurrentSkipListMap<>();

    void error(String kind) {
      errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    String errors() {
      StringBuilder sb = new StringBuilder();
      errors.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(k).append(": ").append(v.sum()));
      return sb.toString();
    }

    /** Percentile of every answer's latency, errors included. */
    long anyPercentileMicros(double p) {
      return percentile(all, p);
    }

    Tally() {
      for (int i = 0; i < counts.length; i++) counts[i] = new LongAdder();
    }

    void add(Verdict v, long micros) {
      counts[v.ordinal()].increment();
      if (v == Verdict.SUCCEEDED) latencies.add(micros);
      all.add(micros);
    }

    long count(Verdict v) { return counts[v.ordinal()].sum(); }

    long total() {
      long s = 0;
      for (LongAdder c : counts) s += c.sum();
      return s;
    }

    long percentileMicros(double p) {
      return percentile(latencies, p);
    }

    private static long percentile(List<Long> values, double p) {
      List<Long> sorted;
      synchronized (values) {
        sorted = new ArrayList<>(values);
      }
      if (sorted.isEmpty()) return 0;
      java.util.Collections.sort(sorted);
      return sorted.get(Math.min(sorted.size() - 1, (int) (p * sorted.size())));
    }
  }

  private String report(Tally t, double seconds, long upstream, long transitions, long heapBefore, long heapAfter,
      long faults, long[] perFault) {
    StringBuilder sb = new StringBuilder();
    long sent = t.total();
    sb.append(String.format("chaos: %.0f s, %d workers, %d clients, a fault every %d ms (%d faults:", seconds, workers,
        connections, faultEveryMs, faults));
    for (Fault f : Fault.values()) sb.append(' ').append(f.name().toLowerCase(java.util.Locale.ROOT)).append('=').append(perFault[f.ordinal()]);
    sb.append(")\n");
    sb.append(String.format("%-28s %10d%n", "requests sent", sent));
    sb.append(String.format("%-28s %10d  (%.1f%%)%n", "succeeded", t.count(Verdict.SUCCEEDED), 100.0 * t.count(Verdict.SUCCEEDED) / Math.max(1, sent)));
    sb.append(String.format("%-28s %10d  (%s)%n", "ended with a clean error", t.count(Verdict.CLEAN_ERROR), t.errors()));
    sb.append(String.format("%-28s %10d%n", "hung (no answer in " + clientTimeoutSecs + " s)", t.count(Verdict.HUNG)));
    sb.append(String.format("%-28s %10d%n", "unanswered", t.count(Verdict.UNANSWERED)));
    sb.append(String.format("%-28s %7.1f ms / %.1f ms%n", "success p50 / p99", t.percentileMicros(0.5) / 1000.0, t.percentileMicros(0.99) / 1000.0));
    sb.append(String.format("%-28s %10.3f%n", "upstream attempts / request", (double) upstream / Math.max(1, sent)));
    sb.append(String.format("%-28s %10d%n", "breaker transitions", transitions));
    sb.append(String.format("%-28s %7.1f MiB -> %.1f MiB%n", "heap after GC before/after", heapBefore / 1048576.0, heapAfter / 1048576.0));
    sb.append(String.format("%d cores, %s %s%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"), System.getProperty("java.version")));
    return sb.toString();
  }
}
