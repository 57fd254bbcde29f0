package dev.switchboard.gateway.router.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.router.pipeline.Failure;
import dev.switchboard.gateway.worker.AttemptReport.Cause;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.WorkerSpec;
import dev.switchboard.gateway.worker.WorkerType;
import dev.switchboard.protocol.scheduler.DisaggregatedParams;
import dev.switchboard.protocol.scheduler.GenerateError;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

/** Small pure parts of the gRPC routers: bootstrap fields and error mapping. */
class RouterPiecesTest {

  @Test
  void bootstrapUsesThePrefillHostItsPortOr8998AndAnInt32Room() {
    Worker withPort = new Worker(WorkerSpec.of("grpc://10.0.0.7:50051", "m", WorkerType.PREFILL, ConnectionMode.GRPC).withBootstrapPort(9100));
    Worker without = new Worker(WorkerSpec.of("grpc://[::1]:50051", "m", WorkerType.PREFILL, ConnectionMode.GRPC));
    DisaggregatedParams a = GenerateTransport.bootstrap(withPort);
    assertThat(a.getBootstrapHost()).isEqualTo("10.0.0.7");
    assertThat(a.getBootstrapPort()).isEqualTo(9100);
    DisaggregatedParams b = GenerateTransport.bootstrap(without);
    assertThat(b.getBootstrapHost()).isEqualTo("::1");
    assertThat(b.getBootstrapPort()).isEqualTo(8998);
    for (int i = 0; i < 10_000; i++) assertThat(GenerateTransport.randomRoom()).isBetween(0, Integer.MAX_VALUE - 1);
  }

  @Test
  void generateErrorsKeepTheWorkersStatusAndCallFailuresMapThroughOneTable() {
    Worker w = new Worker(WorkerSpec.of("grpc://127.0.0.1:1", "m", WorkerType.REGULAR, ConnectionMode.GRPC));
    Failure e = GenerateErrors.of(w, GenerateError.newBuilder().setMessage("bad input").setHttpStatusCode("400").setDetails("too long").build(), "");
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.cause()).isEqualTo(Cause.STATUS);
    assertThat(e.error().type()).isEqualTo("invalid_request_error");
    assertThat(e.error().message()).isEqualTo("bad input: too long");
    assertThat(GenerateErrors.of(w, GenerateError.newBuilder().setMessage("x").setHttpStatusCode("nonsense").build(), "").status()).isEqualTo(500);
    assertThat(GenerateErrors.ofFailure(w, Status.UNAVAILABLE.asRuntimeException(), "").status()).isEqualTo(502);
    assertThat(GenerateErrors.ofFailure(w, Status.UNAVAILABLE.asRuntimeException(), "").cause()).isEqualTo(Cause.UNREACHABLE);
    assertThat(GenerateErrors.ofFailure(w, Status.DEADLINE_EXCEEDED.asRuntimeException(), "").cause()).isEqualTo(Cause.TIMEOUT);
    assertThat(GenerateErrors.ofFailure(w, Status.INTERNAL.asRuntimeException(), "").status()).isEqualTo(500);
    assertThat(GenerateErrors.ofFailure(w, Status.RESOURCE_EXHAUSTED.asRuntimeException(), "").status()).isEqualTo(429);
    assertThat(GenerateErrors.ofFailure(w, Status.INVALID_ARGUMENT.asRuntimeException(), "prefill ").error().message())
        .startsWith("prefill worker grpc://127.0.0.1:1 failed: INVALID_ARGUMENT");
    assertThat(GenerateErrors.ofFailure(w, Status.INVALID_ARGUMENT.asRuntimeException(), "").status()).isEqualTo(400);
  }
}
