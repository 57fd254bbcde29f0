package dev.switchboard.gateway.router;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Caps retries at {@code ratio} of the requests of the last {@link #WINDOW_SECONDS} seconds, plus a floor of
 * {@link #FLOOR_PER_SECOND} per second so a quiet gateway can still retry. When a fleet fails, retries stop at the
 * budget instead of multiplying its load; each request's first attempt is never refused.
 *
 * <p>Lock-free: one counter pair per second in a ring; a slot is reset by whoever first touches it in a new second
 * (a count racing with that reset may be lost: the budget is approximate by design).
 */
public final class RetryBudget {
  public static final int WINDOW_SECONDS = 10;
  public static final int FLOOR_PER_SECOND = 1;

  private final double ratio;
  private final LongSupplier clockNanos;
  /** Per slot: [epoch second, requests, retries] at 3·i, 3·i+1, 3·i+2. */
  private final AtomicLongArray slots = new AtomicLongArray(3 * WINDOW_SECONDS);

  public RetryBudget(double ratio) {
    this(ratio, System::nanoTime);
  }

  public RetryBudget(double ratio, LongSupplier clockNanos) {
    if (!(ratio >= 0 && ratio <= 1)) throw new IllegalArgumentException("ratio must be in [0, 1]");
    this.ratio = ratio;
    this.clockNanos = clockNanos;
    for (int i = 0; i < WINDOW_SECONDS; i++) slots.set(3 * i, -1);
  }

  /** Counts a request (its first attempt). */
  public void requestStarted() {
    slots.incrementAndGet(slot(second()) + 1);
  }

  /** Takes one retry from the budget; false when the recent retries already reach it. */
  public boolean tryRetry() {
    long now = second();
    long requests = 0;
    long retries = 0;
    for (int i = 0; i < WINDOW_SECONDS; i++) {
      int base = 3 * i;
      long sec = slots.get(base);
      if (sec >= 0 && now - sec < WINDOW_SECONDS) {
        requests += slots.get(base + 1);
        retries += slots.get(base + 2);
      }
    }
    double allowed = FLOOR_PER_SECOND * WINDOW_SECONDS + ratio * requests;
    if (retries + 1 > allowed) return false;
    slots.incrementAndGet(slot(now) + 2);
    return true;
  }

  private long second() {
    return clockNanos.getAsLong() / 1_000_000_000L;
  }

  /** The slot of {@code second}, cleared first if it still holds an older second. */
  private int slot(long second) {
    int base = 3 * (int) Math.floorMod(second, (long) WINDOW_SECONDS);
    long held = slots.get(base);
    if (held != second && slots.compareAndSet(base, held, second)) {
      slots.set(base + 1, 0);
      slots.set(base + 2, 0);
    }
    return base;
  }
}
