package dev.switchboard.gateway.router.grpc;

import dev.switchboard.protocol.scheduler.GenerateComplete;
import dev.switchboard.protocol.scheduler.GenerateError;
import dev.switchboard.protocol.scheduler.GenerateRequest;
import dev.switchboard.protocol.scheduler.GenerateResponse;
import dev.switchboard.protocol.scheduler.GenerateStreamChunk;
import dev.switchboard.protocol.scheduler.HealthCheckRequest;
import dev.switchboard.protocol.scheduler.HealthCheckResponse;
import dev.switchboard.protocol.scheduler.SglangSchedulerGrpc;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A scheduler that answers every Generate with a fixed token sequence (one token per chunk, then Complete), or a
 * scripted failure: for output the simulator's word generator cannot produce (reasoning blocks, tool calls) and for
 * worker errors. A real gRPC server on loopback; it records the requests it got.
 */
final class ScriptedScheduler extends SglangSchedulerGrpc.SglangSchedulerImplBase implements AutoCloseable {
  enum Failure { NONE, GENERATE_ERROR, DROP_AFTER_FIRST_CHUNK }

  private final Server server;
  final List<GenerateRequest> received = new CopyOnWriteArrayList<>();
  volatile int[] script = new int[0];
  volatile Failure failure = Failure.NONE;

  ScriptedScheduler() {
    try {
      server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(this).build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String url() {
    return "grpc://127.0.0.1:" + server.getPort();
  }

  @Override
  public void generate(GenerateRequest request, StreamObserver<GenerateResponse> out) {
    received.add(request);
    String id = request.getRequestId();
    if (failure == Failure.GENERATE_ERROR) {
      out.onNext(GenerateResponse.newBuilder().setRequestId(id)
          .setError(GenerateError.newBuilder().setMessage("scripted failure").setHttpStatusCode("503")).build());
      out.onCompleted();
      return;
    }
    int[] ids = script;
    int prompt = request.getTokenized().getInputIdsCount();
    for (int i = 0; i < ids.length; i++) {
      if (request.getStream()) {
        out.onNext(GenerateResponse.newBuilder().setRequestId(id).setChunk(GenerateStreamChunk.newBuilder()
            .addTokenIds(ids[i]).setPromptTokens(prompt).setCompletionTokens(i + 1)).build());
      }
      if (failure == Failure.DROP_AFTER_FIRST_CHUNK) {
        out.onError(Status.INTERNAL.withDescription("scripted drop").asRuntimeException());
        return;
      }
    }
    GenerateComplete.Builder done = GenerateComplete.newBuilder().setFinishReason("stop").setPromptTokens(prompt)
        .setCompletionTokens(ids.length);
    for (int t : ids) done.addOutputIds(t);
    out.onNext(GenerateResponse.newBuilder().setRequestId(id).setComplete(done).build());
    out.onCompleted();
  }

  @Override
  public void healthCheck(HealthCheckRequest request, StreamObserver<HealthCheckResponse> out) {
    out.onNext(HealthCheckResponse.newBuilder().setHealthy(true).build());
    out.onCompleted();
  }

  @Override
  public void close() {
    server.shutdownNow();
  }
}
