package dev.switchboard.gateway.api;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A per-minute budget as a generic cell rate algorithm: one atomic "theoretical arrival time", no timers, no locks.
 * A full minute's budget may be spent at once; it then refills continuously ({@code perMinute / 60} per second).
 */
final class RateLimit {
  private static final long WINDOW_NANOS = 60_000_000_000L;

  private final long perMinute;
  /** When the budget would be whole again if nothing more were spent. */
  private final AtomicLong fullAt;

  RateLimit(long perMinute, long nowNanos) {
    this.perMinute = perMinute;
    this.fullAt = new AtomicLong(nowNanos);
  }

  long perMinute() { return perMinute; }

  /** Takes {@code units} if the budget holds them: returns 0, else the nanoseconds until it would (nothing taken). */
  long tryTake(long units, long nowNanos) {
    long cost = cost(units);
    while (true) {
      long t = fullAt.get();
      long next = Math.max(t, nowNanos) + cost;
      long over = next - nowNanos - WINDOW_NANOS;
      if (over > 0) return over;
      if (fullAt.compareAndSet(t, next)) return 0;
    }
  }

  /** Whether anything is left: 0, else the nanoseconds until something is. For budgets charged after the fact. */
  long waitForAny(long nowNanos) {
    long over = fullAt.get() - nowNanos - WINDOW_NANOS;
    return over >= 0 ? over + 1 : 0;
  }

  /** Spends {@code units} that were used already (the budget may go into debt, which later requests wait out). */
  void charge(long units, long nowNanos) {
    long cost = cost(units);
    fullAt.getAndUpdate(t -> Math.max(t, nowNanos) + cost);
  }

  private long cost(long units) {
    return (long) ((double) units * WINDOW_NANOS / perMinute);
  }
}
