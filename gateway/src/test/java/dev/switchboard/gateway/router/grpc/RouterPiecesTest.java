package dev.switchboard.gateway.router.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.exchange.OpenAiError;
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
    DisaggregatedParams a = GrpcPdRouter.bootstrap(withPort);
    assertThat(a.getBootstrapHost()).isEqualTo("10.0.0.7");
    assertThat(a.getBootstrapPort()).isEqualTo(9100);
    DisaggregatedParams b = GrpcPdRouter.bootstrap(without);
    assertThat(b.getBootstrapHost()).isEqualTo("::1");
    assertThat(b.getBootstrapPort()).isEqualTo(8998);
    for (int i = 0; i < 10_000; i++) assertThat(GrpcPdRouter.randomRoom()).isBetween(0, Integer.MAX_VALUE - 1);
  }

  @Test
  void generateErrorsKeepTheWorkersStatusAndStreamFailuresMapTo5xx() {
    OpenAiError e = GenerateErrors.of(GenerateError.newBuilder().setMessage("bad input").setHttpStatusCode("400").setDetails("too long").build());
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.type()).isEqualTo("invalid_request_error");
    assertThat(e.message()).isEqualTo("bad input: too long");
    assertThat(GenerateErrors.of(GenerateError.newBuilder().setMessage("x").setHttpStatusCode("nonsense").build()).status()).isEqualTo(500);
    Worker w = new Worker(WorkerSpec.of("grpc://127.0.0.1:1", "m", WorkerType.REGULAR, ConnectionMode.GRPC));
    assertThat(GenerateErrors.ofFailure(w, Status.UNAVAILABLE.asRuntimeException()).status()).isEqualTo(502);
    assertThat(GenerateErrors.ofFailure(w, Status.DEADLINE_EXCEEDED.asRuntimeException()).status()).isEqualTo(504);
    assertThat(GenerateErrors.ofFailure(w, Status.INTERNAL.asRuntimeException()).status()).isEqualTo(500);
    assertThat(GenerateErrors.retryable(Status.UNAVAILABLE.asRuntimeException())).isTrue();
    assertThat(GenerateErrors.retryable(Status.INTERNAL.asRuntimeException())).isFalse();
  }
}
