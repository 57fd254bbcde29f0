package dev.switchboard.gateway.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.worker.AttemptReport;
import dev.switchboard.gateway.worker.AttemptReport.Cause;
import dev.switchboard.gateway.worker.AttemptReport.Kind;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.WorkerSpec;
import dev.switchboard.gateway.worker.WorkerType;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The console's rolling per-worker numbers, on a clock the test moves. */
class WorkerStatsTest {
  private static final long MS = 1_000_000L;
  private static final long S = 1_000 * MS;
  private final AtomicLong clock = new AtomicLong(1_000 * S);
  private final WorkerStats stats = new WorkerStats(clock::get);
  private final Worker a = new Worker(WorkerSpec.of("http://a:1", "m", WorkerType.REGULAR, ConnectionMode.HTTP));
  private final Worker b = new Worker(WorkerSpec.of("http://b:1", "m", WorkerType.REGULAR, ConnectionMode.HTTP));

  private void attempt(Worker w, Kind kind, Cause cause, int status, long ttftMillis) {
    long end = clock.get();
    long start = end - 500 * MS;
    stats.attemptEnded(new AttemptReport(w, "http-regular", kind, cause, status, start, ttftMillis < 0 ? -1 : start + ttftMillis * MS, end));
  }

  @Test
  void ratesCountCompletedSecondsOfTheWindowOnly() {
    for (int i = 0; i < 20; i++) attempt(a, Kind.SUCCEEDED, Cause.NONE, 200, 10);
    // Still inside the same second: nothing complete yet.
    assertThat(stats.numbers(a).requestsPerSecond()).isZero();
    clock.addAndGet(S);
    assertThat(stats.numbers(a).requestsPerSecond()).isEqualTo(20.0 / WorkerStats.WINDOW_SECONDS);
    assertThat(stats.numbers(a).attempts()).isEqualTo(20);
    assertThat(stats.numbers(b).attempts()).isZero();
    // Once the window has passed, the old second no longer counts.
    clock.addAndGet(WorkerStats.WINDOW_SECONDS * S);
    assertThat(stats.numbers(a).attempts()).isZero();
  }

  @Test
  void errorRateIsFailedAttemptsOverAttemptsAndCancellationsDoNotCount() {
    for (int i = 0; i < 6; i++) attempt(a, Kind.SUCCEEDED, Cause.NONE, 200, 10);
    attempt(a, Kind.FAILED_BEFORE_BYTES, Cause.STATUS, 503, -1);
    attempt(a, Kind.FAILED_AFTER_BYTES, Cause.BROKEN, 502, 10);
    for (int i = 0; i < 5; i++) attempt(a, Kind.CANCELLED, Cause.NONE, 0, -1);
    clock.addAndGet(S);
    WorkerStats.Numbers n = stats.numbers(a);
    assertThat(n.attempts()).isEqualTo(8);
    assertThat(n.errors()).isEqualTo(2);
    assertThat(n.errorRate()).isEqualTo(0.25);
  }

  @Test
  void ttftPercentilesComeFromFirstBytesInTheWindow() {
    for (int ms = 1; ms <= 100; ms++) attempt(a, Kind.SUCCEEDED, Cause.NONE, 200, ms);
    attempt(a, Kind.FAILED_BEFORE_BYTES, Cause.UNREACHABLE, 502, -1); // no first byte: no sample
    attempt(a, Kind.FAILED_BEFORE_BYTES, Cause.STATUS, 500, 5000); // an error page's first byte: no sample
    WorkerStats.Numbers n = stats.numbers(a);
    assertThat(n.ttftP50Millis()).isEqualTo(50.0);
    assertThat(n.ttftP99Millis()).isEqualTo(99.0);
    assertThat(stats.numbers(b).ttftP50Millis()).isNull();
    clock.addAndGet((WorkerStats.WINDOW_SECONDS + 1) * S);
    assertThat(stats.numbers(a).ttftP50Millis()).isNull();
  }

  @Test
  void keepsOnlyTheMostRecentSamples() {
    for (int i = 0; i < WorkerStats.TTFT_SAMPLES; i++) attempt(a, Kind.SUCCEEDED, Cause.NONE, 200, 1000);
    for (int i = 0; i < WorkerStats.TTFT_SAMPLES; i++) attempt(a, Kind.SUCCEEDED, Cause.NONE, 200, 5);
    assertThat(stats.numbers(a).ttftP99Millis()).isEqualTo(5.0);
  }

  @Test
  void aForgottenWorkerStartsFromNothing() {
    attempt(a, Kind.SUCCEEDED, Cause.NONE, 200, 10);
    clock.addAndGet(S);
    stats.forget(a);
    assertThat(stats.numbers(a)).isEqualTo(WorkerStats.Numbers.NONE);
  }
}
