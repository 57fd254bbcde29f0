package dev.switchboard.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.testing.PromText;
import dev.switchboard.gateway.worker.AttemptReport;
import dev.switchboard.gateway.worker.AttemptReport.Cause;
import dev.switchboard.gateway.worker.AttemptReport.Kind;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.WorkerRegistry;
import dev.switchboard.gateway.worker.WorkerSpec;
import dev.switchboard.gateway.worker.WorkerType;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Per-worker metrics from attempt reports, and the hooks other parts feed (breaker, admission). */
class GatewayMetricsTest {
  private static final String URL = "http://127.0.0.1:1";

  private static PromText scrape(GatewayMetrics m) {
    return PromText.parse(new String(m.scrape(), StandardCharsets.UTF_8));
  }

  @Test
  void attemptReportsBecomePerWorkerOutcomesErrorsAndTimeToFirstToken() {
    WorkerRegistry registry = new WorkerRegistry();
    GatewayMetrics metrics = new GatewayMetrics(registry);
    Worker w = registry.add(WorkerSpec.of(URL, "m", WorkerType.REGULAR, ConnectionMode.HTTP));
    // series exist at 0 as soon as the worker joins
    assertThat(scrape(metrics).find("switchboard_worker_errors_total", "worker", URL, "cause", "unreachable"))
        .singleElement().extracting(PromText.Sample::value).isEqualTo(0.0);

    long t0 = System.nanoTime();
    metrics.attemptEnded(new AttemptReport(w, "http-regular", Kind.FAILED_BEFORE_BYTES, Cause.UNREACHABLE, 502, t0, -1, t0 + 1_000));
    metrics.attemptEnded(new AttemptReport(w, "http-regular", Kind.SUCCEEDED, Cause.NONE, 200, t0, t0 + 30_000_000, t0 + 90_000_000));
    metrics.attemptEnded(new AttemptReport(w, "http-regular", Kind.CANCELLED, Cause.NONE, 0, t0, -1, t0 + 5));

    PromText p = scrape(metrics);
    assertThat(p.sum("switchboard_worker_attempts_total", "worker", URL, "outcome", "failed_before_bytes")).isEqualTo(1);
    assertThat(p.sum("switchboard_worker_attempts_total", "worker", URL, "outcome", "succeeded")).isEqualTo(1);
    assertThat(p.sum("switchboard_worker_attempts_total", "worker", URL, "outcome", "cancelled")).isEqualTo(1);
    assertThat(p.sum("switchboard_worker_errors_total", "worker", URL, "cause", "unreachable")).isEqualTo(1);
    assertThat(p.sum("switchboard_worker_errors_total", "worker", URL)).isEqualTo(1);
    assertThat(p.sum("switchboard_worker_time_to_first_token_seconds_count", "worker", URL)).isEqualTo(1);
    assertThat(p.sum("switchboard_worker_time_to_first_token_seconds_sum", "worker", URL)).isEqualTo(0.03);
    assertThat(p.find("switchboard_worker_time_to_first_token_seconds_bucket", "worker", URL, "le", "0.05"))
        .singleElement().extracting(PromText.Sample::value).isEqualTo(1.0);

    // a worker that leaves takes its series with it
    registry.remove(URL);
    PromText after = scrape(metrics);
    assertThat(after.find("switchboard_worker_attempts_total", "worker", URL)).isEmpty();
    assertThat(after.find("switchboard_worker_healthy", "worker", URL)).isEmpty();
  }

  @Test
  void breakerStateAndAdmissionAreReadThroughTheirHooks() {
    WorkerRegistry registry = new WorkerRegistry();
    GatewayMetrics metrics = new GatewayMetrics(registry);
    registry.add(WorkerSpec.of(URL, "m", WorkerType.REGULAR, ConnectionMode.HTTP));
    PromText before = scrape(metrics);
    assertThat(before.sum("switchboard_worker_circuit_state", "worker", URL)).isEqualTo(0); // no breaker: closed
    assertThat(before.sum("switchboard_admission_queue_depth")).isEqualTo(0);

    metrics.breakerState(w -> 1);
    metrics.admissionQueueDepth(() -> 3);
    metrics.admissionWaited(250_000_000);
    metrics.admissionRejected("queue_full");
    PromText p = scrape(metrics);
    assertThat(p.sum("switchboard_worker_circuit_state", "worker", URL)).isEqualTo(1);
    assertThat(p.sum("switchboard_admission_queue_depth")).isEqualTo(3);
    assertThat(p.sum("switchboard_admission_wait_seconds_count")).isEqualTo(1);
    assertThat(p.sum("switchboard_admission_rejected_total", "reason", "queue_full")).isEqualTo(1);
  }
}
