package dev.switchboard.sim;

import dev.switchboard.sim.engine.SimEngine;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counters of one simulated worker; thread-safe, readable at any time. */
public final class SimStats {

  private final ConcurrentHashMap<String, LongAdder> requestsByPath = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong completed = new AtomicLong();
  private final AtomicLong cancelled = new AtomicLong();
  private final AtomicLong aborted = new AtomicLong();
  private final AtomicLong faultsInjected = new AtomicLong();
  private final AtomicLong bootstrapFailures = new AtomicLong();
  private final AtomicLong flushes = new AtomicLong();
  private volatile SimEngine engine;

  SimStats() {
  }

  void attach(SimEngine engine) {
    this.engine = engine;
  }

  /** Requests received on a path (HTTP path, or gRPC method name such as "Generate"). */
  public long requests(String path) {
    LongAdder adder = requestsByPath.get(path);
    return adder == null ? 0 : adder.sum();
  }

  /** All paths seen so far with their request counts, sorted by path. */
  public Map<String, Long> requestsByPath() {
    Map<String, Long> copy = new TreeMap<>();
    requestsByPath.forEach((path, adder) -> copy.put(path, adder.sum()));
    return copy;
  }

  /** Inference requests received and not yet answered or abandoned. */
  public int inFlight() { return inFlight.get(); }
  /** Inference requests answered in full with a success status. */
  public long completed() { return completed.get(); }
  /** Inference requests whose client went away before the answer was complete. */
  public long cancelled() { return cancelled.get(); }
  /** Generations stopped by an abort request (gRPC Abort, HTTP /abort_request). */
  public long aborted() { return aborted.get(); }
  /** Requests answered with an injected error status (errorRate, failNext). */
  public long faultsInjected() { return faultsInjected.get(); }
  /** Decode requests refused because the prefill had not seen their bootstrap room. */
  public long bootstrapFailures() { return bootstrapFailures.get(); }
  /** /flush_cache calls. */
  public long flushes() { return flushes.get(); }
  /** Prompt tokens admitted by the scheduler. */
  public long promptTokens() { return engine == null ? 0 : engine.promptTokens(); }
  /** Of those, tokens served from the KV cache. */
  public long cachedTokens() { return engine == null ? 0 : engine.cachedTokens(); }
  /** Output tokens produced. */
  public long generatedTokens() { return engine == null ? 0 : engine.generatedTokens(); }
  /** cachedTokens / promptTokens, 0 when nothing ran yet. */
  public double cacheHitRate() {
    long prompt = promptTokens();
    return prompt == 0 ? 0.0 : (double) cachedTokens() / prompt;
  }
  /** Generations in the running batch. */
  public int running() { return engine == null ? 0 : engine.running(); }
  /** Generations waiting for a slot. */
  public int waiting() { return engine == null ? 0 : engine.waiting(); }

  /** Zeroes every counter (not the gauges). */
  public void reset() {
    requestsByPath.clear();
    completed.set(0);
    cancelled.set(0);
    aborted.set(0);
    faultsInjected.set(0);
    bootstrapFailures.set(0);
    flushes.set(0);
    if (engine != null) {
      engine.resetCounters();
    }
  }

  // Mutators used by the worker's protocol layers.
  public void countRequest(String path) { requestsByPath.computeIfAbsent(path, p -> new LongAdder()).increment(); }
  public void requestStarted() { inFlight.incrementAndGet(); }
  public void requestEnded() { inFlight.decrementAndGet(); }
  public void countCompleted() { completed.incrementAndGet(); }
  public void countCancelled() { cancelled.incrementAndGet(); }
  public void countAborted() { aborted.incrementAndGet(); }
  public void countFault() { faultsInjected.incrementAndGet(); }
  public void countBootstrapFailure() { bootstrapFailures.incrementAndGet(); }
  public void countFlush() { flushes.incrementAndGet(); }
}
