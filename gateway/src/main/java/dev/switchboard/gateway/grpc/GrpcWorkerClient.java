package dev.switchboard.gateway.grpc;

import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.protocol.scheduler.AbortRequest;
import dev.switchboard.protocol.scheduler.AbortResponse;
import dev.switchboard.protocol.scheduler.EmbedRequest;
import dev.switchboard.protocol.scheduler.EmbedResponse;
import dev.switchboard.protocol.scheduler.GenerateRequest;
import dev.switchboard.protocol.scheduler.GenerateResponse;
import dev.switchboard.protocol.scheduler.GetModelInfoRequest;
import dev.switchboard.protocol.scheduler.GetModelInfoResponse;
import dev.switchboard.protocol.scheduler.SglangSchedulerGrpc;
import io.grpc.Metadata;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The RPCs the gateway makes to SGLang schedulers, over {@link WorkerChannels}. Callbacks arrive on gRPC threads. */
public final class GrpcWorkerClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GrpcWorkerClient.class);
  private static final Duration ABORT_TIMEOUT = Duration.ofSeconds(5);

  private final WorkerChannels channels;

  public GrpcWorkerClient(WorkerChannels channels) {
    this.channels = channels;
  }

  public WorkerChannels channels() { return channels; }

  /** Events of one Generate stream; called on a gRPC thread, in order. */
  public interface GenerateListener {
    void onResponse(GenerateResponse response);

    /** The stream failed (transport error, status other than OK). */
    void onFailure(Throwable error);

    /** The worker closed the stream normally. */
    void onEnd();
  }

  /**
   * Messages a Generate stream may send before the gateway asks for more ({@link GenerateCall#request}): the
   * flow-control window that lets a slow client slow the worker's stream down instead of filling the gateway's heap.
   */
  public static final int MESSAGE_WINDOW = 32;

  /** A running Generate call; {@link #cancel} ends it from the gateway's side (the worker sees a cancellation). */
  public static final class GenerateCall {
    private volatile ClientCallStreamObserver<GenerateRequest> call;
    private volatile boolean cancelled;

    public void cancel(String reason) {
      cancelled = true;
      ClientCallStreamObserver<GenerateRequest> c = call;
      if (c != null) c.cancel(reason, null);
    }

    /** Lets the worker send {@code messages} more messages. */
    public void request(int messages) {
      ClientCallStreamObserver<GenerateRequest> c = call;
      if (c != null && !cancelled) c.request(messages);
    }

    void attach(ClientCallStreamObserver<GenerateRequest> c) {
      call = c;
      c.disableAutoRequestWithInitial(MESSAGE_WINDOW);
      if (cancelled) c.cancel("cancelled", null);
    }
  }

  /**
   * Starts a Generate stream.
   *
   * @param deadline the longest the stream may run, or zero for no limit (the attempt loop watches first byte and
   *     silence itself)
   */
  public GenerateCall generate(Worker worker, GenerateRequest request, Duration deadline, GenerateListener listener) {
    return generate(worker, request, deadline, null, listener);
  }

  /** The W3C trace context header; sent to the worker as metadata of the same name. */
  public static final String TRACEPARENT = "traceparent";
  private static final Metadata.Key<String> TRACEPARENT_KEY = Metadata.Key.of(TRACEPARENT, Metadata.ASCII_STRING_MARSHALLER);

  /** @param traceparent the request's W3C {@code traceparent}, sent as metadata; {@code null} for none */
  public GenerateCall generate(Worker worker, GenerateRequest request, Duration deadline, String traceparent,
      GenerateListener listener) {
    GenerateCall handle = new GenerateCall();
    SglangSchedulerGrpc.SglangSchedulerStub stub = stub(worker, deadline);
    if (traceparent != null) {
      Metadata md = new Metadata();
      md.put(TRACEPARENT_KEY, traceparent);
      stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
    }
    stub.generate(request, new ClientResponseObserver<GenerateRequest, GenerateResponse>() {
      @Override public void beforeStart(ClientCallStreamObserver<GenerateRequest> call) { handle.attach(call); }
      @Override public void onNext(GenerateResponse r) { listener.onResponse(r); }
      @Override public void onError(Throwable t) { listener.onFailure(t); }
      @Override public void onCompleted() { listener.onEnd(); }
    });
    return handle;
  }

  /** Fire-and-forget Abort; failures are logged, never thrown. */
  public void abort(Worker worker, String requestId, String reason) {
    try {
      channels.stub(worker).withDeadlineAfter(ABORT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .abort(AbortRequest.newBuilder().setRequestId(requestId).setReason(reason).build(), new StreamObserver<>() {
            @Override public void onNext(AbortResponse r) {}
            @Override public void onError(Throwable t) { log.debug("abort of {} on {} failed: {}", requestId, worker.url(), t.toString()); }
            @Override public void onCompleted() {}
          });
    } catch (RuntimeException e) {
      log.debug("abort of {} on {} failed: {}", requestId, worker.url(), e.toString());
    }
  }

  /** One Embed call; {@code deadline} zero means no limit. */
  public CompletionStage<EmbedResponse> embed(Worker worker, EmbedRequest request, Duration deadline) {
    CompletableFuture<EmbedResponse> result = new CompletableFuture<>();
    stub(worker, deadline).embed(request, unary(result));
    return result;
  }

  private SglangSchedulerGrpc.SglangSchedulerStub stub(Worker worker, Duration deadline) {
    SglangSchedulerGrpc.SglangSchedulerStub stub = channels.stub(worker);
    return deadline.isZero() ? stub : stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  public CompletionStage<ModelInfo> modelInfo(Worker worker, Duration timeout) {
    CompletableFuture<GetModelInfoResponse> result = new CompletableFuture<>();
    channels.stub(worker).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .getModelInfo(GetModelInfoRequest.getDefaultInstance(), unary(result));
    return result.thenApply(ModelInfo::of);
  }

  private static <T> StreamObserver<T> unary(CompletableFuture<T> result) {
    return new StreamObserver<>() {
      @Override public void onNext(T value) { result.complete(value); }
      @Override public void onError(Throwable t) { result.completeExceptionally(t); }
      @Override public void onCompleted() {
        if (!result.isDone()) result.completeExceptionally(new IllegalStateException("worker sent no answer"));
      }
    };
  }

  @Override
  public void close() {
    channels.close();
  }
}
