package dev.switchboard.gateway.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.worker.AttemptReport.Cause;
import dev.switchboard.gateway.worker.AttemptReport.Kind;
import dev.switchboard.gateway.worker.CircuitBreaker.State;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The breaker's state machine on a clock the test moves: what counts, when it opens, how it comes back. */
class CircuitBreakerTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final Worker worker = new Worker(WorkerSpec.of("http://w:1", "m", WorkerType.REGULAR, ConnectionMode.HTTP));
  private final CircuitBreaker breaker = new CircuitBreaker("w", now::get);

  CircuitBreakerTest() {
    breaker.settings(new BreakerSettings(3, Duration.ofSeconds(10), Duration.ofSeconds(5), 2));
  }

  private AttemptReport report(Kind kind, Cause cause, int status) {
    return new AttemptReport(worker, "http-regular", kind, cause, status, 0, -1, 0);
  }

  private void fault() { breaker.record(report(Kind.FAILED_BEFORE_BYTES, Cause.TIMEOUT, 504)); }
  private void success() { breaker.record(report(Kind.SUCCEEDED, Cause.NONE, 200)); }
  private void advance(Duration d) { now.addAndGet(d.toNanos()); }

  @Test
  void opensAfterThresholdFaultsInARowAndStopsAllowing() {
    fault();
    fault();
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    assertThat(breaker.allows()).isTrue();
    fault();
    assertThat(breaker.state()).isEqualTo(State.OPEN);
    assertThat(breaker.allows()).isFalse();
    assertThat(breaker.timesOpened()).isEqualTo(1);
  }

  @Test
  void aSuccessInBetweenStartsTheCountAgain() {
    fault();
    fault();
    success();
    fault();
    fault();
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
  }

  @Test
  void faultsSpreadBeyondTheWindowDoNotOpen() {
    fault();
    advance(Duration.ofSeconds(6));
    fault();
    advance(Duration.ofSeconds(6));
    fault(); // three in a row, but over 12 s: the first is outside the 10 s window
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    fault(); // the last three are within 10 s
    assertThat(breaker.state()).isEqualTo(State.OPEN);
  }

  @Test
  void clientErrorsAndBusyNeverCount() {
    for (int i = 0; i < 20; i++) {
      breaker.record(report(Kind.FAILED_BEFORE_BYTES, Cause.STATUS, 400));
      breaker.record(report(Kind.FAILED_BEFORE_BYTES, Cause.STATUS, 429));
      breaker.record(report(Kind.FAILED_BEFORE_BYTES, Cause.STATUS, 404));
    }
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    assertThat(breaker.transitions()).isZero();
  }

  @Test
  void everyKindOfWorkerFaultCounts() {
    breaker.record(report(Kind.FAILED_BEFORE_BYTES, Cause.UNREACHABLE, 502));
    breaker.record(report(Kind.FAILED_AFTER_BYTES, Cause.BROKEN, 502));
    breaker.record(report(Kind.FAILED_BEFORE_BYTES, Cause.STATUS, 503));
    assertThat(breaker.state()).isEqualTo(State.OPEN);
  }

  @Test
  void cancellationsSayNothing() {
    for (int i = 0; i < 10; i++) breaker.record(report(Kind.CANCELLED, Cause.NONE, 0));
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
  }

  @Test
  void halfOpenAfterOpenSecsLetsProbesThroughAndClosesWhenTheyAllSucceed() {
    fault();
    fault();
    fault();
    advance(Duration.ofSeconds(4));
    assertThat(breaker.allows()).isFalse();
    advance(Duration.ofSeconds(1));
    assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    assertThat(breaker.allows()).isTrue();
    breaker.dispatched();
    breaker.dispatched();
    assertThat(breaker.allows()).as("two probes out: no more").isFalse();
    success();
    assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    success();
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    assertThat(breaker.allows()).isTrue();
    assertThat(breaker.transitions()).isEqualTo(3); // closed→open→half-open→closed
  }

  @Test
  void aFailedProbeOpensAgainAtOnce() {
    fault();
    fault();
    fault();
    advance(Duration.ofSeconds(5));
    assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    breaker.dispatched();
    fault();
    assertThat(breaker.state()).isEqualTo(State.OPEN);
    assertThat(breaker.allows()).isFalse();
    assertThat(breaker.timesOpened()).isEqualTo(2);
  }

  @Test
  void aCancelledProbeGivesItsPlaceBack() {
    breaker.settings(new BreakerSettings(1, Duration.ofSeconds(10), Duration.ofSeconds(5), 1));
    fault();
    advance(Duration.ofSeconds(5));
    breaker.dispatched();
    assertThat(breaker.allows()).isFalse();
    breaker.record(report(Kind.CANCELLED, Cause.NONE, 0));
    assertThat(breaker.allows()).isTrue();
  }

  @Test
  void aWorkerBackInHealthIsProbedAtOnceInsteadOfAfterOpenSecs() {
    fault();
    fault();
    fault();
    assertThat(breaker.state()).isEqualTo(State.OPEN);
    breaker.healthRecovered();
    assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    assertThat(breaker.allows()).isTrue();
    breaker.healthRecovered(); // not open: nothing changes
    assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
  }

  @Test
  void thresholdZeroDisablesTheBreaker() {
    breaker.settings(new BreakerSettings(0, Duration.ofSeconds(10), Duration.ofSeconds(5), 1));
    for (int i = 0; i < 100; i++) fault();
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
  }

  @Test
  void aWorkerIsAvailableOnlyWhenHealthyAndItsBreakerAllows() {
    WorkerRegistry registry = new WorkerRegistry();
    Worker w = registry.add(WorkerSpec.of("http://w:2", "m", WorkerType.REGULAR, ConnectionMode.HTTP));
    w.breaker().settings(new BreakerSettings(2, Duration.ofSeconds(30), Duration.ofSeconds(30), 1));
    registry.setHealthy(w, true);
    assertThat(w.isAvailable()).isTrue();
    AttemptReport stalled = new AttemptReport(w, "http-regular", Kind.FAILED_AFTER_BYTES, Cause.TIMEOUT, 504, 0, 5, 9);
    CircuitBreaker.FEED.attemptEnded(stalled);
    CircuitBreaker.FEED.attemptEnded(stalled);
    assertThat(w.isHealthy()).as("health checks still pass").isTrue();
    assertThat(w.isAvailable()).as("but the breaker is open").isFalse();
  }
}
