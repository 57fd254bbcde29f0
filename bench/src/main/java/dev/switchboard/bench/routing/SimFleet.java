package dev.switchboard.bench.routing;

import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.SimStats;
import dev.switchboard.sim.SimWorker;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** N simulated workers in this process on one shared Vert.x, with their counters read as deltas. */
public final class SimFleet implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(1));
  private final List<SimWorker> workers = new ArrayList<>();

  /** Counters of every worker at one moment. */
  public record Counters(long[] promptTokens, long[] cachedTokens, long[] generatedTokens, long[] requests) {
    Counters minus(Counters o) {
      return new Counters(sub(promptTokens, o.promptTokens), sub(cachedTokens, o.cachedTokens),
          sub(generatedTokens, o.generatedTokens), sub(requests, o.requests));
    }

    private static long[] sub(long[] a, long[] b) {
      long[] r = new long[a.length];
      for (int i = 0; i < a.length; i++) r[i] = a[i] - b[i];
      return r;
    }

    static long sum(long[] a) {
      long s = 0;
      for (long v : a) s += v;
      return s;
    }
  }

  public SimFleet(int count, SimConfig config) {
    try {
      for (int i = 0; i < count; i++) workers.add(SimWorker.start(config.withSeed(config.seed() + i), vertx));
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  public List<String> urls() {
    return workers.stream().map(SimWorker::url).toList();
  }

  public Counters counters() {
    int n = workers.size();
    Counters c = new Counters(new long[n], new long[n], new long[n], new long[n]);
    for (int i = 0; i < n; i++) {
      SimStats s = workers.get(i).stats();
      c.promptTokens()[i] = s.promptTokens();
      c.cachedTokens()[i] = s.cachedTokens();
      c.generatedTokens()[i] = s.generatedTokens();
      c.requests()[i] = s.requests("/v1/completions");
    }
    return c;
  }

  /** Waits until no worker runs or queues anything, then empties every KV cache over HTTP. */
  public void idleAndFlush() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (workers.stream().anyMatch(w -> w.stats().running() + w.stats().waiting() > 0)) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("simulated workers did not drain in 60 s");
      Thread.sleep(20);
    }
    var client = vertx.createHttpClient();
    try {
      for (SimWorker w : workers) {
        RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setHost(w.host()).setPort(w.port()).setURI("/flush_cache");
        int status = client.request(o).compose(r -> r.send()).compose(r -> r.body().map(b -> r.statusCode()))
            .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        if (status != 200) throw new IllegalStateException("flush_cache on " + w.url() + " answered " + status);
      }
    } finally {
      client.close();
    }
  }

  @Override
  public void close() {
    for (SimWorker w : workers) w.close();
    vertx.close();
  }
}
