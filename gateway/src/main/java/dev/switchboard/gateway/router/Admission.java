package dev.switchboard.gateway.router;

import dev.switchboard.gateway.config.AdmissionSettings;
import dev.switchboard.gateway.exchange.OpenAiError;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * Admission control at the front: at most {@code max_concurrent} requests at the workers, gateway-wide and per
 * model (a model's own limit applies on top of the gateway's); the next {@code queue_size} wait in a queue where
 * higher priority leaves first and equal priority in arrival order, each for at most {@code queue_timeout_secs}.
 * Queue full → 429, queue timeout → 503, both with {@code Retry-After}. A slot is held until the response's last
 * byte ({@link Ticket#release()}).
 *
 * <p>With no limits configured, {@link #admit} runs the request at once and allocates nothing.
 */
public final class Admission {
  /** What a refused client is told to wait, in seconds. */
  public static final int RETRY_AFTER_SECS = 1;

  private final Vertx vertx;
  private final Limiter gateway;
  private final Map<String, Limiter> models;
  private final GatewayMetrics metrics;

  /** {@code perModel} names the models with a limit of their own (others have only the gateway's). */
  public Admission(Vertx vertx, AdmissionSettings gatewayWide, Map<String, AdmissionSettings> perModel, GatewayMetrics metrics) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.gateway = gatewayWide.limited() ? new Limiter("gateway", gatewayWide) : null;
    Map<String, Limiter> m = new java.util.HashMap<>();
    perModel.forEach((model, s) -> {
      if (s != null && s.limited()) m.put(model, new Limiter("model '" + model + "'", s));
    });
    this.models = Map.copyOf(m);
  }

  /**
   * One request's way through admission. Register {@link #release()} for the end of the response first, then
   * {@link #start}; releasing twice, or before a slot was granted (the client left while queued), is harmless.
   */
  public interface Ticket {
    /** Runs {@code admitted} (on the caller's context) once the request holds its slots, or {@code refused}. */
    void start(Runnable admitted, Consumer<OpenAiError> refused);

    void release();
  }

  private static final Ticket UNLIMITED = new Ticket() {
    @Override public void start(Runnable admitted, Consumer<OpenAiError> refused) { admitted.run(); }
    @Override public void release() {}
  };

  /** A ticket for a request of {@code model} (null when unknown) with the given priority (higher leaves first). */
  public Ticket ticket(String model, int priority) {
    Limiter own = model == null ? null : models.get(model);
    if (gateway == null && own == null) return UNLIMITED;
    return new Chain(vertx.getOrCreateContext(), own, gateway, priority);
  }

  /** Requests waiting and running under the gateway-wide limit (for status pages and tests). */
  public int running() { return gateway == null ? 0 : gateway.running(); }

  public int queued() { return gateway == null ? 0 : gateway.queued(); }

  /** Requests waiting in any admission queue (gateway-wide and per model). */
  public int queuedTotal() {
    int n = gateway == null ? 0 : gateway.queued();
    for (Limiter l : models.values()) n += l.queued();
    return n;
  }

  /** A model's own limiter's counts: {running, queued}; null when the model has none. */
  public int[] modelCounts(String model) {
    Limiter l = models.get(model);
    return l == null ? null : new int[] {l.running(), l.queued()};
  }

  /** Takes the model's slot, then the gateway's (a request never holds a gateway slot while queued for its model). */
  private final class Chain implements Ticket {
    private final Context context;
    private final Limiter[] limiters;
    private final int priority;
    private Runnable admitted;
    private Consumer<OpenAiError> refused;
    private int held;
    private Waiter waiting;
    private boolean released;

    Chain(Context context, Limiter own, Limiter gatewayWide, int priority) {
      this.context = context;
      this.limiters = own == null ? new Limiter[] {gatewayWide} : gatewayWide == null ? new Limiter[] {own} : new Limiter[] {own, gatewayWide};
      this.priority = priority;
    }

    @Override
    public void start(Runnable admitted, Consumer<OpenAiError> refused) {
      this.admitted = admitted;
      this.refused = refused;
      next();
    }

    /** Acquires the next limiter's slot, or waits for it; runs on {@link #context}. */
    void next() {
      synchronized (this) {
        if (released) return;
      }
      if (held == limiters.length) {
        admitted.run();
        return;
      }
      Limiter l = limiters[held];
      Waiter w = new Waiter(this, priority);
      switch (l.acquire(w)) {
        case ACQUIRED -> {
          held++;
          next();
        }
        case QUEUED -> {
          synchronized (this) {
            waiting = w;
          }
          w.timer = vertx.setTimer(l.settings.queueTimeout().toMillis(), t -> {
            if (l.remove(w)) fail("timeout", OpenAiError.unavailable("request waited " + l.settings.queueTimeout().toSeconds()
                + " s in the " + l.name + " admission queue (max_concurrent " + l.settings.maxConcurrent() + ")"));
          });
        }
        case FULL -> fail("queue_full", new OpenAiError(429, "the " + l.name + " admission queue is full (max_concurrent "
            + l.settings.maxConcurrent() + ", queue_size " + l.settings.queueSize() + "); retry later",
            "rate_limit_error", null, "queue_full"));
      }
    }

    /** A slot was handed to this chain's waiter by a releasing request (any thread). */
    void granted(Waiter w) {
      vertx.cancelTimer(w.timer);
      if (metrics != null) metrics.admissionWaited(System.nanoTime() - w.since);
      context.runOnContext(v -> {
        boolean gone;
        synchronized (this) {
          waiting = null;
          gone = released;
        }
        held++;
        if (gone) releaseHeld();
        else next();
      });
    }

    private void fail(String reason, OpenAiError error) {
      if (metrics != null) metrics.admissionRejected(reason);
      releaseHeld();
      refused.accept(error);
    }

    @Override
    public void release() {
      Waiter w;
      synchronized (this) {
        if (released) return;
        released = true;
        w = waiting;
        waiting = null;
      }
      if (w != null && limiters[held].remove(w)) vertx.cancelTimer(w.timer);
      // A slot granted concurrently reaches granted(), which sees released and gives it back.
      context.runOnContext(v -> releaseHeld());
    }

    private void releaseHeld() {
      while (held > 0) limiters[--held].release();
    }
  }

  private static final class Waiter implements Comparable<Waiter> {
    private static final java.util.concurrent.atomic.AtomicLong SEQ = new java.util.concurrent.atomic.AtomicLong();
    final Chain chain;
    final int priority;
    final long seq = SEQ.incrementAndGet();
    final long since = System.nanoTime();
    long timer;

    Waiter(Chain chain, int priority) {
      this.chain = chain;
      this.priority = priority;
    }

    @Override
    public int compareTo(Waiter o) {
      return priority != o.priority ? Integer.compare(o.priority, priority) : Long.compare(seq, o.seq);
    }
  }

  private enum Outcome { ACQUIRED, QUEUED, FULL }

  /** One concurrency limit and its queue. Short critical sections under its own lock; grants go out unlocked. */
  private static final class Limiter {
    final String name;
    final AdmissionSettings settings;
    private final PriorityQueue<Waiter> queue = new PriorityQueue<>();
    private int running;

    Limiter(String name, AdmissionSettings settings) {
      this.name = name;
      this.settings = settings;
    }

    synchronized Outcome acquire(Waiter w) {
      if (running < settings.maxConcurrent() && queue.isEmpty()) {
        running++;
        return Outcome.ACQUIRED;
      }
      if (queue.size() >= settings.queueSize()) return Outcome.FULL;
      queue.add(w);
      return Outcome.QUEUED;
    }

    synchronized boolean remove(Waiter w) {
      return queue.remove(w);
    }

    /** Frees a slot: the first waiter takes it over (the running count stays), else the count drops. */
    void release() {
      Waiter next;
      synchronized (this) {
        next = queue.poll();
        if (next == null) running--;
      }
      if (next != null) next.chain.granted(next);
    }

    synchronized int running() { return running; }

    synchronized int queued() { return queue.size(); }
  }

  /**
   * The request's priority: the {@code x-priority} header, else the body's {@code priority}, else
   * {@code otherwise} (the tenant's, from its API key).
   */
  public static int priority(String header, Integer bodyPriority, int otherwise) {
    if (header != null && !header.isBlank()) {
      try {
        return Integer.parseInt(header.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("header x-priority must be an integer, not '" + header + "'");
      }
    }
    return bodyPriority == null ? otherwise : bodyPriority;
  }
}
