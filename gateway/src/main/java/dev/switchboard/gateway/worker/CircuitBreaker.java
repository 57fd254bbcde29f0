package dev.switchboard.gateway.worker;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passive outlier detection for one worker, fed by attempt outcomes ({@link #FEED}): closed → open after
 * {@code failure_threshold} worker faults in a row within {@code window_secs} (a success in between starts the
 * count again, so sporadic errors under heavy load never eject a worker); open → half-open after
 * {@code open_secs}; half-open lets {@code half_open_requests} real requests through: all succeed → closed, one
 * fails → open again. Only {@link AttemptReport#workerFault()} counts: 4xx never, 429 (busy) never.
 *
 * <p>{@link #allows()} is the hot-path read (a volatile read, a clock read when open); outcomes are recorded
 * under the breaker's own lock, which no request path waits on for long.
 */
public final class CircuitBreaker {
  private static final Logger log = LoggerFactory.getLogger(CircuitBreaker.class);

  /** The attempt listener that keeps every worker's breaker up to date. */
  public static final AttemptListener FEED = report -> report.worker().breaker().record(report);

  public enum State {
    CLOSED(0), OPEN(1), HALF_OPEN(2);

    /** The state's number in {@code /metrics} (SGLang's codes). */
    public final int code;

    State(int code) { this.code = code; }

    public String wireName() { return name().toLowerCase(java.util.Locale.ROOT); }
  }

  private final String name;
  private final LongSupplier clock;
  private volatile BreakerSettings settings = BreakerSettings.DEFAULTS;
  private volatile State state = State.CLOSED;
  /** When the breaker last changed state (clock nanos). */
  private volatile long changedAt;
  /** Times of the current run of faults (ring of failure_threshold entries); guarded by this. */
  private long[] faults = new long[BreakerSettings.DEFAULTS.failureThreshold()];
  private int faultCount;
  private int halfOpenSuccesses;
  /** Half-open probes dispatched and not yet answered. */
  private final AtomicInteger probesInFlight = new AtomicInteger();
  private final LongAdder transitions = new LongAdder();
  private final LongAdder opened = new LongAdder();

  public CircuitBreaker(String name) {
    this(name, System::nanoTime);
  }

  /** A breaker on a given clock (nanoseconds), for tests that move time themselves. */
  public CircuitBreaker(String name, LongSupplier clock) {
    this.name = name;
    this.clock = clock;
    this.changedAt = clock.getAsLong();
  }

  public synchronized void settings(BreakerSettings s) {
    settings = s;
    faults = new long[Math.max(1, s.failureThreshold())];
    faultCount = 0;
  }

  public BreakerSettings settings() { return settings; }

  /** The state now (an open breaker whose time is up reads as half-open). */
  public State state() {
    State s = state;
    if (s == State.OPEN && clock.getAsLong() - changedAt >= settings.open().toNanos()) return moveToHalfOpen();
    return s;
  }

  /** Whether a request may be sent to the worker now. Does not reserve anything: {@link #dispatched()} does. */
  public boolean allows() {
    return switch (state()) {
      case CLOSED -> true;
      case OPEN -> false;
      case HALF_OPEN -> probesInFlight.get() < settings.halfOpenRequests() || probeOverdue();
    };
  }

  /** A request was sent to the worker (its lease was taken): in half-open it is one of the probes. */
  public void dispatched() {
    if (state() == State.HALF_OPEN) probesInFlight.incrementAndGet();
  }

  /** Records how an attempt on the worker ended. */
  public void record(AttemptReport report) {
    if (!settings.enabled()) return;
    switch (report.kind()) {
      case CANCELLED -> probeReturned();
      // A relayed 5xx is a fault too; a 4xx or 429 says the worker is alive and answering.
      case SUCCEEDED, FAILED_BEFORE_BYTES, FAILED_AFTER_BYTES -> {
        if (report.workerFault()) fault(); else success();
      }
    }
  }

  /**
   * Health checks saw the worker come back (unhealthy → healthy, e.g. after a restart): an open breaker need not
   * wait out {@code open_secs} — it goes half-open, so the next real request probes the worker at once.
   */
  public synchronized void healthRecovered() {
    if (state == State.OPEN) moveTo(State.HALF_OPEN);
  }

  /** State changes so far (every from → to). */
  public long transitions() { return transitions.sum(); }

  /** How often the breaker has opened. */
  public long timesOpened() { return opened.sum(); }

  private synchronized void success() {
    switch (state()) {
      case CLOSED -> faultCount = 0;
      case HALF_OPEN -> {
        probeReturned();
        if (++halfOpenSuccesses >= settings.halfOpenRequests()) moveTo(State.CLOSED);
      }
      case OPEN -> { /* an answer that was in flight when the breaker opened: says nothing new */ }
    }
  }

  private synchronized void fault() {
    long now = clock.getAsLong();
    switch (state()) {
      case CLOSED -> {
        BreakerSettings s = settings;
        faults[faultCount % faults.length] = now;
        faultCount++;
        if (faultCount >= s.failureThreshold()) {
          long oldest = faults[(faultCount - s.failureThreshold()) % faults.length];
          if (now - oldest <= s.window().toNanos()) moveTo(State.OPEN);
        }
      }
      case HALF_OPEN -> {
        probeReturned();
        moveTo(State.OPEN);
      }
      case OPEN -> { /* already out of rotation */ }
    }
  }

  private void probeReturned() {
    probesInFlight.updateAndGet(n -> n > 0 ? n - 1 : 0);
  }

  /** A probe that has been out for longer than open_secs gets company: a hung probe must not pin half-open. */
  private boolean probeOverdue() {
    return clock.getAsLong() - changedAt >= settings.open().toNanos();
  }

  private synchronized State moveToHalfOpen() {
    if (state == State.OPEN && clock.getAsLong() - changedAt >= settings.open().toNanos()) moveTo(State.HALF_OPEN);
    return state;
  }

  private void moveTo(State next) {
    State from = state;
    if (from == next) return;
    changedAt = clock.getAsLong();
    faultCount = 0;
    halfOpenSuccesses = 0;
    if (next != State.HALF_OPEN) probesInFlight.set(0);
    state = next;
    transitions.increment();
    if (next == State.OPEN) opened.increment();
    log.info("circuit breaker of worker {}: {} -> {}", name, from.wireName(), next.wireName());
  }
}
