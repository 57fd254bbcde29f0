package dev.switchboard.gateway.grpc;

import dev.switchboard.gateway.worker.HealthProbe;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.protocol.scheduler.HealthCheckRequest;
import dev.switchboard.protocol.scheduler.HealthCheckResponse;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** Health of a gRPC worker: its HealthCheck RPC answered {@code healthy=true} within the timeout. */
public final class GrpcHealthProbe implements HealthProbe {
  private final WorkerChannels channels;
  private final Duration timeout;

  public GrpcHealthProbe(WorkerChannels channels, Duration timeout) {
    this.channels = channels;
    this.timeout = timeout;
  }

  @Override
  public CompletionStage<Boolean> check(Worker worker) {
    CompletableFuture<Boolean> result = new CompletableFuture<>();
    try {
      channels.stub(worker).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .healthCheck(HealthCheckRequest.getDefaultInstance(), new StreamObserver<>() {
            @Override public void onNext(HealthCheckResponse r) { result.complete(r.getHealthy()); }
            @Override public void onError(Throwable t) { result.complete(false); }
            @Override public void onCompleted() { result.complete(false); }
          });
    } catch (RuntimeException e) {
      result.complete(false);
    }
    return result;
  }
}
