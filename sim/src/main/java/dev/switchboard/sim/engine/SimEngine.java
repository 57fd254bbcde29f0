package dev.switchboard.sim.engine;

import dev.switchboard.sim.cache.KvCache;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * A step scheduler like an inference engine's: each step prefills the newly admitted requests (cost per uncached
 * prompt token) and advances every other running request by one token (cost per step, longer when the running
 * batch exceeds the batch limit). Requests beyond {@code maxRunning} wait in FIFO order. All state lives on one
 * Vert.x context; time passes through Vert.x timers, never by blocking.
 */
public final class SimEngine {

  private final Vertx vertx;
  private final Context context;
  private final EngineTiming timing;
  private final KvCache cache;
  private final BooleanSupplier holdAfterFirst;
  private final ArrayDeque<Generation> waiting = new ArrayDeque<>();
  private final List<Generation> running = new ArrayList<>();
  private boolean stepActive;

  private final AtomicLong promptTokens = new AtomicLong();
  private final AtomicLong cachedTokens = new AtomicLong();
  private final AtomicLong generatedTokens = new AtomicLong();
  private volatile int runningCount;
  private volatile int waitingCount;
  private volatile long runningTokens;
  private volatile int cacheUsedTokens;

  public SimEngine(Vertx vertx, Context context, EngineTiming timing, KvCache cache, BooleanSupplier holdAfterFirst) {
    this.vertx = vertx;
    this.context = context;
    this.timing = timing;
    this.cache = cache;
    this.holdAfterFirst = holdAfterFirst;
  }

  /** Queues a generation (after the fixed TTFT delay). Thread-safe. */
  public Generation submit(GenerationSpec spec, GenerationListener listener) {
    Generation generation = new Generation(spec, listener);
    context.runOnContext(v -> {
      if (timing.ttftNanos() > 0) {
        vertx.timer(timing.ttftNanos(), TimeUnit.NANOSECONDS).onSuccess(t -> enqueue(generation));
      } else {
        enqueue(generation);
      }
    });
    return generation;
  }

  /** Stops a generation; its listener sees {@link FinishReason#ABORT} unless it had already finished. Thread-safe. */
  public void cancel(Generation generation) {
    context.runOnContext(v -> finish(generation, FinishReason.ABORT));
  }

  /** Lets every stream held by the gate continue. Thread-safe. */
  public void releaseHeld() {
    context.runOnContext(v -> {
      for (Generation generation : running) {
        generation.held = false;
      }
      schedule();
    });
  }

  /** Sets who hears of the KV cache's stored and removed blocks (its KV events). Thread-safe. */
  public void cacheListener(KvCache.Listener listener) {
    context.runOnContext(v -> cache.listener(listener));
  }

  /** Empties the KV cache of unpinned blocks. Thread-safe. */
  public Future<Void> flushCache() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      cache.clear();
      cacheUsedTokens = cache.usedTokens();
      done.complete();
    });
    return done.future();
  }

  public long promptTokens() { return promptTokens.get(); }
  public long cachedTokens() { return cachedTokens.get(); }
  public long generatedTokens() { return generatedTokens.get(); }
  public int running() { return runningCount; }
  public int waiting() { return waitingCount; }
  /** Prompt plus produced tokens of the running requests. */
  public long runningTokens() { return runningTokens; }
  public int cacheUsedTokens() { return cacheUsedTokens; }
  public int cacheCapacityTokens() { return cache.capacityTokens(); }

  public void resetCounters() {
    promptTokens.set(0);
    cachedTokens.set(0);
    generatedTokens.set(0);
  }

  private void enqueue(Generation generation) {
    if (generation.done) {
      return;
    }
    waiting.add(generation);
    waitingCount = waiting.size();
    schedule();
  }

  private void schedule() {
    if (!stepActive) {
      stepActive = true;
      context.runOnContext(v -> startStep());
    }
  }

  private void startStep() {
    List<Generation> members = new ArrayList<>(Math.min(running.size() + waiting.size(), 64));
    long prefillTokens = 0;
    while (running.size() < timing.maxRunning() && !waiting.isEmpty()) {
      Generation head = waiting.peek();
      if (!head.done && head.spec.usesCache() && !running.isEmpty() && !cache.fits(head.spec.prompt())) {
        break; // KV memory is held by running requests: the queue waits, first come first served
      }
      Generation generation = waiting.poll();
      if (generation.done) {
        continue;
      }
      prefillTokens += admit(generation);
      members.add(generation);
    }
    waitingCount = waiting.size();
    int decoding = 0;
    for (Generation generation : running) {
      if (!generation.prefillPending && !generation.held && !generation.done) {
        members.add(generation);
        decoding++;
      }
    }
    if (members.isEmpty()) {
      stepActive = false;
      return;
    }
    long steps = decoding == 0 ? 0 : (decoding + timing.batchLimit() - 1) / timing.batchLimit();
    long nanos = prefillTokens * timing.prefillNanosPerToken() + steps * timing.stepNanos();
    if (nanos <= 0) {
      context.runOnContext(v -> completeStep(members));
    } else {
      vertx.timer(nanos, TimeUnit.NANOSECONDS).onSuccess(t -> completeStep(members));
    }
  }

  private long admit(Generation generation) {
    int[] prompt = generation.spec.prompt();
    generation.admitted = true;
    generation.prefillPending = true;
    running.add(generation);
    runningCount = running.size();
    promptTokens.addAndGet(prompt.length);
    if (!generation.spec.usesCache()) {
      return 0;
    }
    generation.lease = cache.acquire(prompt);
    generation.cachedTokens = generation.lease.cachedTokens();
    cachedTokens.addAndGet(generation.cachedTokens);
    cacheUsedTokens = cache.usedTokens();
    return prompt.length - generation.cachedTokens;
  }

  private void completeStep(List<Generation> members) {
    long tokens = 0;
    for (Generation generation : members) {
      if (generation.done) {
        continue;
      }
      if (generation.prefillPending) {
        generation.prefillPending = false;
        generation.listener.onPrefilled(generation.cachedTokens);
      }
      advance(generation);
    }
    for (Generation generation : running) {
      tokens += generation.spec.prompt().length + generation.produced;
    }
    runningTokens = tokens;
    stepActive = false;
    schedule();
  }

  private void advance(Generation generation) {
    if (generation.done) {
      return;
    }
    if (generation.produced >= generation.spec.maxTokens()) {
      finish(generation, FinishReason.LENGTH);
      return;
    }
    int index = generation.produced;
    int tokenId = generation.spec.outputToken().applyAsInt(index);
    generation.append(tokenId);
    generatedTokens.incrementAndGet();
    boolean more = generation.listener.onToken(index, tokenId);
    if (generation.done) {
      return;
    }
    if (!more) {
      finish(generation, FinishReason.STOP);
    } else if (generation.produced >= generation.spec.maxTokens()) {
      finish(generation, FinishReason.LENGTH);
    } else if (index == 0 && generation.spec.holdable() && holdAfterFirst.getAsBoolean()) {
      generation.held = true;
    }
  }

  private void finish(Generation generation, FinishReason reason) {
    if (generation.done) {
      return;
    }
    generation.done = true;
    if (generation.admitted) {
      running.remove(generation);
      runningCount = running.size();
    } else if (waiting.remove(generation)) {
      waitingCount = waiting.size();
    }
    if (generation.lease != null) {
      if (reason != FinishReason.ABORT) {
        cache.extend(generation.lease, generation.sequence());
      }
      cache.release(generation.lease);
      cacheUsedTokens = cache.usedTokens();
    }
    generation.listener.onFinish(reason);
    schedule();
  }
}
