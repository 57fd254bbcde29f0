package dev.switchboard.bench;

import dev.switchboard.bench.proxy.ExternalServer;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.SimWorker;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Holds N concurrent SSE streams through one gateway (its own process, so its heap is its own) in front of a
 * simulated worker that sends one token per second, and reports the gateway's heap per held stream (after a full
 * GC, through {@code jcmd}), whether another client is still served meanwhile, and how every stream ended.
 * Needs about 2 × N file descriptors in this process and in the gateway's (a hard limit of 20,000 here allows 9,000).
 */
@Command(name = "streams", mixinStandardHelpOptions = true,
    description = "Hold N concurrent SSE streams through a gateway process; heap per stream (needs ~2 N file descriptors per process).")
public final class StreamsBench implements Callable<Integer> {
  private static final Pattern USED = Pattern.compile("used (\\d+)K");

  @Option(names = "--streams", defaultValue = "9000", description = "concurrent streams (default ${DEFAULT-VALUE})")
  int streams;

  @Option(names = "--tokens", defaultValue = "90", description = "tokens per stream, one per --token-ms (default ${DEFAULT-VALUE})")
  int tokens;

  @Option(names = "--token-ms", defaultValue = "1000", description = "time between tokens (default ${DEFAULT-VALUE})")
  int tokenMs;

  @Option(names = "--workers", defaultValue = "8",
      description = "simulated workers; the gateway pools at most 1,024 connections per worker per event loop (default ${DEFAULT-VALUE})")
  int workers;

  public static void main(String[] args) {
    System.exit(new CommandLine(new StreamsBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path jar = Path.of(StreamsBench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path dir = Files.createTempDirectory("switchboard-streams-");
    Vertx vertx = Vertx.vertx();
    List<SimWorker> sims = new ArrayList<>();
    try {
      StringBuilder yaml = new StringBuilder();
      for (int i = 0; i < workers; i++) {
        SimWorker sim = SimWorker.start(SimConfig.of("stream-model").withHost("127.0.0.1").withMaxConcurrent(streams * 2)
            .withBatchLimit(streams * 2).withTtft(Duration.ZERO).withTimePerToken(Duration.ofMillis(tokenMs)).withDefaultMaxTokens(tokens));
        sims.add(sim);
        yaml.append("  - {url: \"").append(sim.url()).append("\", model: stream-model}\n");
      }
      int port = ExternalServer.freePorts(1)[0];
      Files.writeString(dir.resolve("deploy.yaml"), "gateway:\n  host: 127.0.0.1\n  port: " + port + "\nworkers:\n" + yaml);
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      try (ExternalServer gateway = ExternalServer.start("gateway", List.of(java, "--enable-native-access=ALL-UNNAMED",
          "-jar", jar.toString(), "serve", "--config", dir.resolve("deploy.yaml").toString()), dir, port)) {
        HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
            new PoolOptions().setHttp1MaxSize(streams + 16).setMaxWaitQueueSize(-1));
        awaitReady(client, port);
        for (int i = 0; i < 200; i++) chat(client, port, false).await(10, TimeUnit.SECONDS); // JIT warm-up
        long heapBefore = heapUsedKiB(gateway.pid());

        AtomicInteger started = new AtomicInteger();
        AtomicInteger completed = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        long openStart = System.nanoTime();
        for (int i = 0; i < streams; i++) {
          RequestOptions ro = request(port, true);
          client.request(ro).compose(r -> r.send(Buffer.buffer(body(true)))).onComplete(ar -> {
            if (ar.failed() || ar.result().statusCode() != 200) {
              failed.incrementAndGet();
              return;
            }
            boolean[] first = {true};
            Buffer tail = Buffer.buffer();
            ar.result().handler(chunk -> {
              if (first[0]) {
                first[0] = false;
                started.incrementAndGet();
              }
              tail.appendBuffer(chunk, Math.max(0, chunk.length() - 32), Math.min(32, chunk.length()));
            });
            ar.result().endHandler(v -> {
              if (tail.toString(StandardCharsets.UTF_8).contains("[DONE]")) completed.incrementAndGet();
              else failed.incrementAndGet();
            });
            ar.result().exceptionHandler(e -> failed.incrementAndGet());
          });
          if (i % 500 == 499) Thread.sleep(100); // pace the connects
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (started.get() + failed.get() < streams && System.nanoTime() < deadline) Thread.sleep(100);
        double openSecs = (System.nanoTime() - openStart) / 1e9;
        int held = started.get() - completed.get();
        long heapDuring = heapUsedKiB(gateway.pid());
        List<Long> probe = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          long t = System.nanoTime();
          int status = chat(client, port, false).await(30, TimeUnit.SECONDS);
          if (status == 200) probe.add((System.nanoTime() - t) / 1000);
        }
        probe.sort(null);
        deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos((long) tokens * tokenMs + 120_000);
        while (completed.get() + failed.get() < streams && System.nanoTime() < deadline) Thread.sleep(200);
        int hung = streams - completed.get() - failed.get();
        System.out.printf("streams %d (%d tokens, one per %d ms); opened in %.1f s; held at once: %d%n", streams, tokens, tokenMs, openSecs, held);
        System.out.printf("gateway heap after full GC: %d KiB before, %d KiB with the streams held -> %.1f KiB per stream%n",
            heapBefore, heapDuring, held > 0 ? (heapDuring - heapBefore) / (double) held : 0.0);
        System.out.printf("another client meanwhile: %d of 20 answered 200, p50 %d µs, max %d µs%n", probe.size(),
            probe.isEmpty() ? -1 : probe.get(probe.size() / 2), probe.isEmpty() ? -1 : probe.getLast());
        System.out.printf("streams ended: %d complete with [DONE], %d failed, %d hung; %d cores, %s %s%n", completed.get(),
            failed.get(), hung, Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"), System.getProperty("java.version"));
        return hung == 0 && failed.get() == 0 ? 0 : 1;
      }
    } finally {
      for (SimWorker sim : sims) sim.close();
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static RequestOptions request(int port, boolean stream) {
    return new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
        .setURI("/v1/chat/completions").putHeader("content-type", "application/json").setIdleTimeout(0);
  }

  private static String body(boolean stream) {
    return "{\"model\":\"stream-model\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hold on\"}]"
        + (stream ? "" : ",\"max_tokens\":1") + "}";
  }

  private static io.vertx.core.Future<Integer> chat(HttpClientAgent client, int port, boolean stream) {
    return client.request(request(port, stream)).compose(r -> r.send(Buffer.buffer(body(stream))))
        .compose(r -> r.body().map(b -> r.statusCode()));
  }

  private static void awaitReady(HttpClientAgent client, int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      Integer status = client.request(HttpMethod.GET, port, "127.0.0.1", "/readiness").compose(r -> r.send())
          .map(r -> r.statusCode()).otherwise(0).await(5, TimeUnit.SECONDS);
      if (status == 200) return;
      Thread.sleep(100);
    }
    throw new IllegalStateException("the gateway did not become ready in 30 s");
  }

  /** The gateway's used heap after a full GC, from {@code jcmd}. */
  private static long heapUsedKiB(long pid) throws IOException, InterruptedException {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    new ProcessBuilder(jcmd, Long.toString(pid), "GC.run").redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
    Process p = new ProcessBuilder(jcmd, Long.toString(pid), "GC.heap_info").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    Matcher m = USED.matcher(out);
    if (!m.find()) throw new IllegalStateException("cannot read the heap from jcmd: " + out);
    return Long.parseLong(m.group(1));
  }
}
