package dev.switchboard.gateway.api.console;

import dev.switchboard.gateway.worker.AttemptListener;
import dev.switchboard.gateway.worker.AttemptReport;
import dev.switchboard.gateway.worker.AttemptReport.Kind;
import dev.switchboard.gateway.worker.Worker;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Per-worker numbers for the console over a rolling window, fed by attempt reports: requests per second, error
 * rate and time to first token (p50/p99, of attempts that succeeded). Recording is lock-free and allocation-free (it runs on event loops);
 * concurrent updates at a second's boundary may lose a count, which a display tolerates.
 */
public final class WorkerStats implements AttemptListener {
  /** Seconds the rates cover; the current, incomplete second is left out. */
  static final int WINDOW_SECONDS = 10;
  /** TTFT samples kept per worker; percentiles are over those that fall inside the window. */
  static final int TTFT_SAMPLES = 256;
  private static final long SECOND = 1_000_000_000L;

  /** What the console shows of one worker; a null TTFT means no first byte was seen in the window. */
  public record Numbers(double requestsPerSecond, double errorRate, Double ttftP50Millis, Double ttftP99Millis,
      long attempts, long errors) {
    static final Numbers NONE = new Numbers(0, 0, null, null, 0, 0);
  }

  private final LongSupplier nanoTime;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  public WorkerStats() {
    this(System::nanoTime);
  }

  /** @param nanoTime the clock ({@link System#nanoTime()} outside tests) */
  WorkerStats(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  @Override
  public void attemptEnded(AttemptReport report) {
    if (report.kind() == Kind.CANCELLED) return; // says nothing of the worker
    Window w = windows.computeIfAbsent(report.worker().id(), id -> new Window());
    boolean failed = report.kind() != Kind.SUCCEEDED;
    // Only answers that completed say how fast the worker starts; an error page's first byte does not.
    boolean timed = !failed && report.firstByteNanos() >= 0;
    w.record(report.endNanos(), failed, timed ? report.firstByteNanos() - report.startNanos() : -1);
  }

  /** The worker's numbers now. */
  public Numbers numbers(Worker worker) {
    Window w = windows.get(worker.id());
    return w == null ? Numbers.NONE : w.numbers(nanoTime.getAsLong());
  }

  /** Drops a removed worker's numbers. */
  public void forget(Worker worker) {
    windows.remove(worker.id());
  }

  /** One worker's ring of one-second buckets and its ring of recent TTFT samples. */
  private static final class Window {
    private final AtomicLongArray bucketSecond = new AtomicLongArray(WINDOW_SECONDS + 2);
    private final AtomicLongArray attempts = new AtomicLongArray(WINDOW_SECONDS + 2);
    private final AtomicLongArray errors = new AtomicLongArray(WINDOW_SECONDS + 2);
    private final AtomicLongArray ttft = new AtomicLongArray(TTFT_SAMPLES);
    private final AtomicLongArray ttftAt = new AtomicLongArray(TTFT_SAMPLES);
    private final AtomicInteger nextSample = new AtomicInteger();

    Window() {
      for (int i = 0; i < bucketSecond.length(); i++) bucketSecond.set(i, Long.MIN_VALUE);
    }

    void record(long atNanos, boolean failed, long ttftNanos) {
      long second = Math.floorDiv(atNanos, SECOND);
      int slot = (int) Math.floorMod(second, (long) bucketSecond.length());
      long seen = bucketSecond.get(slot);
      if (seen != second && bucketSecond.compareAndSet(slot, seen, second)) {
        attempts.set(slot, 0);
        errors.set(slot, 0);
      }
      attempts.incrementAndGet(slot);
      if (failed) errors.incrementAndGet(slot);
      if (ttftNanos >= 0) {
        int i = Math.floorMod(nextSample.getAndIncrement(), TTFT_SAMPLES);
        ttft.set(i, ttftNanos);
        ttftAt.set(i, atNanos);
      }
    }

    Numbers numbers(long nowNanos) {
      long now = Math.floorDiv(nowNanos, SECOND);
      long total = 0;
      long failed = 0;
      for (int slot = 0; slot < bucketSecond.length(); slot++) {
        long s = bucketSecond.get(slot);
        if (s < now && s >= now - WINDOW_SECONDS) {
          total += attempts.get(slot);
          failed += errors.get(slot);
        }
      }
      long[] samples = new long[TTFT_SAMPLES];
      int n = 0;
      int next = nextSample.get();
      int written = next < 0 || next >= TTFT_SAMPLES ? TTFT_SAMPLES : next; // negative once the counter wrapped
      long oldest = nowNanos - WINDOW_SECONDS * SECOND;
      for (int i = 0; i < written; i++) {
        if (ttftAt.get(i) >= oldest) samples[n++] = ttft.get(i);
      }
      Arrays.sort(samples, 0, n);
      return new Numbers((double) total / WINDOW_SECONDS, total == 0 ? 0 : (double) failed / total,
          n == 0 ? null : percentile(samples, n, 0.50) / 1e6, n == 0 ? null : percentile(samples, n, 0.99) / 1e6,
          total, failed);
    }

    /** Nearest-rank percentile of the first {@code n} sorted samples. */
    private static double percentile(long[] sorted, int n, double q) {
      int rank = (int) Math.ceil(q * n);
      return sorted[Math.max(0, Math.min(n - 1, rank - 1))];
    }
  }
}
