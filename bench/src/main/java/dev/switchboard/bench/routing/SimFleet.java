package dev.switchboard.bench.routing;

import dev.switchboard.gateway.worker.KvEventsSpec;
import dev.switchboard.sim.kv.KvDialect;
import dev.switchboard.sim.kv.KvEventPublisher;
import dev.switchboard.sim.kv.KvEventsOptions;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.SimStats;
import dev.switchboard.sim.SimWorker;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
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

  private final List<KvEventPublisher> publishers = new ArrayList<>();

  public SimFleet(int count, SimConfig config) {
    this(count, config, false);
  }

  /** @param kvEvents whether each worker publishes its KV events (even workers vLLM's dialect, odd SGLang's) */
  public SimFleet(int count, SimConfig config, boolean kvEvents) {
    try {
      for (int i = 0; i < count; i++) {
        SimWorker w = SimWorker.start(config.withSeed(config.seed() + i), vertx);
        workers.add(w);
        if (kvEvents) publishers.add(w.startKvEvents(KvEventsOptions.of(i % 2 == 0 ? KvDialect.VLLM : KvDialect.SGLANG)));
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  public List<String> urls() {
    return workers.stream().map(SimWorker::url).toList();
  }

  /** The tokenizer the workers tokenize prompts with, or {@code null} (the simulator's own words). */
  public String tokenizerPath() {
    return workers.isEmpty() ? null : workers.getFirst().config().tokenizerPath();
  }

  /** Each worker's KV-events endpoints, in worker order; empty when the fleet publishes none. */
  public List<KvEventsSpec> kvEvents() {
    return publishers.stream().map(p -> new KvEventsSpec(p.endpoint(), p.replayEndpoint(), p.options().topic())).toList();
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

  /** Waits until no worker runs or queues anything, then empties every KV cache (what /flush_cache does). */
  public void idleAndFlush() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (workers.stream().anyMatch(w -> w.stats().running() + w.stats().waiting() > 0)) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("simulated workers did not drain in 60 s");
      Thread.sleep(20);
    }
    for (SimWorker w : workers) {
      try {
        w.runtime().engine().flushCache().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException("the KV cache of " + w.url() + " did not flush within 30 s", e);
      }
    }
  }

  @Override
  public void close() {
    for (SimWorker w : workers) w.close();
    vertx.close();
  }
}
