package dev.switchboard.gateway.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.worker.AttemptReport;
import dev.switchboard.gateway.worker.AttemptReport.Cause;
import dev.switchboard.gateway.worker.AttemptReport.Kind;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.WorkerSpec;
import dev.switchboard.gateway.worker.WorkerType;
import org.junit.jupiter.api.Test;

class RecentErrorsTest {
  private final RecentErrors errors = new RecentErrors();
  private final Worker w = new Worker(WorkerSpec.of("http://a:1", "llama", WorkerType.REGULAR, ConnectionMode.HTTP));

  private void report(Kind kind, Cause cause, int status) {
    errors.attemptEnded(new AttemptReport(w, "http-regular", kind, cause, status, 0, -1, 1));
  }

  @Test
  void keepsFailuresWithStatusModelWorkerAndAMessage() {
    report(Kind.SUCCEEDED, Cause.NONE, 200);
    report(Kind.CANCELLED, Cause.NONE, 0);
    report(Kind.FAILED_BEFORE_BYTES, Cause.STATUS, 503);
    report(Kind.FAILED_AFTER_BYTES, Cause.BROKEN, 502);
    assertThat(errors.after(0)).extracting(RecentErrors.Entry::status, RecentErrors.Entry::model, RecentErrors.Entry::workerId,
            RecentErrors.Entry::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(503, "llama", w.id(), "worker answered 503"),
            org.assertj.core.groups.Tuple.tuple(502, "llama", w.id(), "answer broke off after bytes reached the client"));
  }

  @Test
  void readersGetWhatCameAfterTheirLastSequenceAndTheRingKeepsTheNewest() {
    for (int i = 0; i < RecentErrors.CAPACITY + 10; i++) report(Kind.FAILED_BEFORE_BYTES, Cause.TIMEOUT, 504);
    assertThat(errors.lastSeq()).isEqualTo(RecentErrors.CAPACITY + 10);
    assertThat(errors.after(0)).hasSize(RecentErrors.CAPACITY).first().extracting(RecentErrors.Entry::seq).isEqualTo(11L);
    assertThat(errors.after(errors.lastSeq() - 3)).extracting(RecentErrors.Entry::seq)
        .containsExactly(errors.lastSeq() - 2, errors.lastSeq() - 1, errors.lastSeq());
    assertThat(errors.after(errors.lastSeq())).isEmpty();
  }
}
