package dev.switchboard.sim;

import dev.switchboard.sim.cache.KvCache;
import dev.switchboard.sim.engine.EngineTiming;
import dev.switchboard.sim.engine.SimEngine;
import dev.switchboard.sim.engine.SimOutput;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the HTTP and gRPC faces of a simulated worker share: configuration, scheduler with KV cache, output words,
 * fault switches, counters and the request recorder.
 */
public final class SimRuntime {

  private final SimConfig config;
  private final Vertx vertx;
  private final Context context;
  private final SimEngine engine;
  private final SimOutput output;
  private final SimControls controls;
  private final SimStats stats;
  private final ArrayDeque<RecordedRequest> recorded = new ArrayDeque<>();
  private final AtomicLong ids = new AtomicLong();
  private final java.util.concurrent.ConcurrentHashMap<String, Runnable> abortable =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final long startNanos = System.nanoTime();
  private final long startMillis = System.currentTimeMillis();
  private volatile String workerId;
  private volatile int port;
  private final dev.switchboard.sim.kv.PromptEncoder prompts;
  private volatile dev.switchboard.sim.kv.KvEventPublisher kvEvents;

  private SimRuntime(SimConfig config, Vertx vertx, Context context) {
    this.config = config;
    this.vertx = vertx;
    this.context = context;
    this.output = new SimOutput(config.seed());
    this.stats = new SimStats();
    this.controls = new SimControls(config.seed(), this::releaseHeldStreams);
    EngineTiming timing = new EngineTiming(config.ttft().toNanos(), config.timePerToken().toNanos(),
        config.prefillTimePerToken().toNanos(), config.maxConcurrent(), config.batchLimit());
    this.engine = new SimEngine(vertx, context,
        timing, new KvCache(config.cacheCapacityTokens(), config.cacheBlockSize()), controls::isHoldingStreams);
    stats.attach(engine);
    this.prompts = dev.switchboard.sim.kv.PromptEncoder.forTokenizer(config.tokenizerPath());
    this.workerId = config.workerIdFor(config.port());
  }

  private void releaseHeldStreams() {
    engine.releaseHeld();
  }

  /** A runtime whose scheduler lives on {@code context} (an event-loop context of {@code vertx}). */
  public static SimRuntime create(SimConfig config, Vertx vertx, Context context) {
    return new SimRuntime(config, vertx, context);
  }

  public SimConfig config() { return config; }
  public Vertx vertx() { return vertx; }
  public Context context() { return context; }
  public SimEngine engine() { return engine; }
  public SimOutput output() { return output; }
  public SimControls controls() { return controls; }
  public SimStats stats() { return stats; }
  public String workerId() { return workerId; }
  public long startMillis() { return startMillis; }
  public double uptimeSeconds() { return (System.nanoTime() - startNanos) / 1e9; }

  /** How this worker's HTTP face tokenizes prompts (its own words, or the configured tokenizer). */
  public dev.switchboard.sim.kv.PromptEncoder prompts() { return prompts; }

  /** The KV-event publisher, or {@code null} when this worker publishes none. */
  public dev.switchboard.sim.kv.KvEventPublisher kvEvents() { return kvEvents; }

  /** Starts publishing the KV cache's events (once); returns the publisher. */
  public synchronized dev.switchboard.sim.kv.KvEventPublisher startKvEvents(dev.switchboard.sim.kv.KvEventsOptions options) {
    if (kvEvents != null) throw new IllegalStateException("KV events are already published");
    kvEvents = dev.switchboard.sim.kv.KvEventPublisher.start(options, config.cacheBlockSize());
    engine.cacheListener(kvEvents);
    return kvEvents;
  }

  /** Stops publishing KV events (the worker shuts down). */
  public synchronized void stopKvEvents() {
    if (kvEvents == null) return;
    engine.cacheListener(null);
    kvEvents.close();
    kvEvents = null;
  }

  /** Sets the worker id once the port is known. */
  public void bindPort(int port) {
    this.port = port;
    workerId = config.workerIdFor(port);
  }

  /** The bound port (0 before the server listens). */
  public int port() { return port; }

  /** A fresh request id (32 hex digits, deterministic per worker seed and request order). */
  public String nextId() {
    long n = ids.incrementAndGet();
    long hi = dev.switchboard.sim.cache.SimTokens.mix(config.seed() + n);
    long lo = dev.switchboard.sim.cache.SimTokens.mix(hi ^ n);
    return String.format("%016x%016x", hi, lo);
  }

  /** Makes a request abortable by id (HTTP /abort_request, gRPC Abort). */
  public void registerAbortable(String id, Runnable abort) {
    abortable.put(id, abort);
  }

  public void unregisterAbortable(String id) {
    abortable.remove(id);
  }

  /** Aborts the request with this id; false when there is none in progress. */
  public boolean abort(String id) {
    Runnable abort = abortable.remove(id);
    if (abort == null) {
      return false;
    }
    abort.run();
    return true;
  }

  /** Aborts every request in progress; returns how many. */
  public int abortAll() {
    int count = 0;
    for (String id : List.copyOf(abortable.keySet())) {
      if (abort(id)) {
        count++;
      }
    }
    return count;
  }

  public void record(RecordedRequest request) {
    int limit = config.recordLimit();
    if (limit == 0) {
      return;
    }
    synchronized (recorded) {
      if (recorded.size() == limit) {
        recorded.pollFirst();
      }
      recorded.addLast(request);
    }
  }

  public List<RecordedRequest> received() {
    synchronized (recorded) {
      return List.copyOf(recorded);
    }
  }

  public void clearReceived() {
    synchronized (recorded) {
      recorded.clear();
    }
  }
}
