package dev.switchboard.gateway.router.grpc;

import dev.switchboard.gateway.exchange.Exchange;
import dev.switchboard.gateway.exchange.OpenAiError;
import dev.switchboard.gateway.grpc.GrpcWorkerClient;
import dev.switchboard.gateway.grpc.GrpcWorkerClient.GenerateCall;
import dev.switchboard.gateway.router.pipeline.Attempt;
import dev.switchboard.gateway.router.pipeline.Failure;
import dev.switchboard.gateway.router.pipeline.Outcome;
import dev.switchboard.gateway.router.pipeline.Target;
import dev.switchboard.gateway.router.pipeline.Transport;
import dev.switchboard.gateway.worker.AttemptReport.Cause;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.protocol.scheduler.DisaggregatedParams;
import dev.switchboard.protocol.scheduler.GenerateRequest;
import dev.switchboard.protocol.scheduler.GenerateResponse;
import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request's Generate streams, one attempt at a time. The output stream feeds the writer; for a prefill/decode
 * pair the request carries DisaggregatedParams and a prefill stream runs beside it (its Complete carries input
 * logprobs when asked for). Every event is handled on the request's event loop. Whatever ends an attempt without
 * success cancels its streams and sends Abort for the request id to their workers.
 */
final class GenerateTransport implements Transport {
  /** SGLang's default disaggregation bootstrap port, used when a prefill worker declares none. */
  static final int DEFAULT_BOOTSTRAP_PORT = 8998;

  private final Context context;
  private final Plan plan;
  private final OutputWriter writer;
  private final GrpcWorkerClient client;

  GenerateTransport(Context context, Plan plan, OutputWriter writer, GrpcWorkerClient client) {
    this.context = context;
    this.plan = plan;
    this.writer = writer;
    this.client = client;
  }

  @Override
  public void dispatch(Attempt attempt) {
    GenerateRequest.Builder request = plan.request().toBuilder().setRequestId(attempt.exchange().workerRequestId());
    Streams streams = new Streams(attempt);
    switch (attempt.target()) {
      case Target.Single single -> streams.open(single.worker(), request.build(), true);
      case Target.Pair pair -> {
        GenerateRequest r = request.setDisaggregatedParams(bootstrap(pair.prefill())).build();
        streams.open(pair.prefill(), r, false);
        streams.open(pair.decode(), r, true);
      }
    }
  }

  /** A room for the proto's int32 {@code bootstrap_room}: uniform in [0, 2^31 − 1). */
  static int randomRoom() {
    return ThreadLocalRandom.current().nextInt(Integer.MAX_VALUE);
  }

  static DisaggregatedParams bootstrap(Worker prefill) {
    Integer port = prefill.bootstrapPort();
    String host = prefill.host();
    if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
    return DisaggregatedParams.newBuilder()
        .setBootstrapHost(host)
        .setBootstrapPort(port != null ? port : DEFAULT_BOOTSTRAP_PORT)
        .setBootstrapRoom(randomRoom())
        .build();
  }

  /** The streams of one attempt. */
  private final class Streams {
    private final Attempt attempt;
    private final Exchange exchange;
    private final List<Stream> streams = new ArrayList<>(2);
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private Stream output;
    private Stream prefill;
    private boolean awaitingClientDrain;

    Streams(Attempt attempt) {
      this.attempt = attempt;
      this.exchange = attempt.exchange();
      attempt.onCancel(() -> stopAll("cancelled by the gateway"));
    }

    void open(Worker worker, GenerateRequest request, boolean isOutput) {
      Stream s = new Stream(worker, isOutput);
      streams.add(s);
      if (isOutput) output = s; else prefill = s;
      try {
        s.call = client.generate(worker, request, attempt.timeouts().total(),
            exchange.request().getHeader(GrpcWorkerClient.TRACEPARENT), new GrpcWorkerClient.GenerateListener() {
          @Override public void onResponse(GenerateResponse r) { post(() -> response(s, r)); }
          @Override public void onFailure(Throwable t) { post(() -> failure(s, t)); }
          @Override public void onEnd() { post(() -> ended(s)); }
        });
      } catch (RuntimeException e) {
        post(() -> failure(s, e));
      }
    }

    /**
     * Hands a stream event (from a gRPC thread) to the request's event loop. Events that arrive while a drain is
     * scheduled or running join it, so a burst of tokens costs one wake-up and one socket write.
     */
    private void post(Runnable event) {
      inbox.add(event);
      if (draining.compareAndSet(false, true)) context.runOnContext(v -> drain());
    }

    private void drain() {
      while (true) {
        Runnable event;
        while ((event = inbox.poll()) != null) {
          try {
            event.run();
          } catch (RuntimeException e) {
            fail(Failure.of(output.worker, Cause.NONE, OpenAiError.internal("the gateway failed to handle the worker's answer: " + e)));
          }
        }
        writer.flush();
        grantCredits();
        draining.set(false);
        if (inbox.isEmpty() || !draining.compareAndSet(false, true)) return;
      }
    }

    /**
     * Back-pressure: each stream may send as many messages again as it has had handled — except the output stream
     * while the client's socket is full; it resumes when the client has drained it.
     */
    private void grantCredits() {
      boolean clientSlow = !exchange.finished() && exchange.response().writeQueueFull();
      if (clientSlow && !awaitingClientDrain) {
        awaitingClientDrain = true;
        exchange.response().drainHandler(v -> {
          awaitingClientDrain = false;
          grantCredits();
        });
      }
      for (Stream s : streams) {
        if (s.consumed == 0 || s.call == null || (clientSlow && s.isOutput)) continue;
        s.call.request(s.consumed);
        s.consumed = 0;
      }
    }

    private void response(Stream s, GenerateResponse r) {
      s.consumed++;
      if (attempt.ended()) return;
      if (s.isOutput) {
        if (attempt.firstByteNanos() < 0) attempt.firstByte();
        else attempt.activity();
      }
      switch (r.getResponseCase()) {
        case CHUNK -> {
          if (s.isOutput && !writer.onChunk(r.getChunk())) {
            fail(protocol(s, "sent a chunk for choice " + r.getChunk().getIndex() + " of a request with n=" + plan.n()));
          }
        }
        case COMPLETE -> {
          if (s.isOutput) {
            if (!writer.onComplete(r.getComplete())) {
              fail(protocol(s, "completed choice " + r.getComplete().getIndex() + " twice or out of range"));
              return;
            }
            if (writer.allComplete()) s.completed = true;
          } else {
            s.completed = true;
            if (r.getComplete().hasInputLogprobs()) writer.prefillInputLogprobs(r.getComplete().getInputLogprobs());
          }
          maybeSucceed();
        }
        case ERROR -> fail(GenerateErrors.of(s.worker, r.getError(), role(s)));
        default -> fail(protocol(s, "sent an empty response"));
      }
    }

    private void failure(Stream s, Throwable t) {
      if (attempt.ended() || s.completed) return;
      fail(GenerateErrors.ofFailure(s.worker, t, role(s)));
    }

    private void ended(Stream s) {
      if (attempt.ended()) return;
      if (s.isOutput && !writer.allComplete()) {
        fail(Failure.of(s.worker, Cause.BROKEN, OpenAiError.badGateway(
            "worker " + s.worker.url() + " ended the stream before completing the request")));
        return;
      }
      if (!s.isOutput) {
        s.completed = true; // a prefill stream that ends without Complete has nothing more to give
        maybeSucceed();
      }
    }

    /** Success: the output stream completed every choice and, when input logprobs are merged, the prefill finished. */
    private void maybeSucceed() {
      if (attempt.ended() || !output.completed) return;
      if (prefill != null && plan.logprobs() && !prefill.completed) return;
      writer.finish();
      attempt.end(new Outcome.Completed(200));
    }

    /** The attempt failed: every stream is stopped; the client's bytes so far decide whether it may be retried. */
    private void fail(Failure failure) {
      if (attempt.ended()) return;
      stopAll(failure.error().message());
      writer.flush();
      attempt.end(attempt.committed() ? new Outcome.FailedAfterBytes(failure) : new Outcome.FailedBeforeBytes(failure));
    }

    private void stopAll(String reason) {
      for (Stream s : streams) {
        if (s.stopped) continue;
        s.stopped = true;
        // Abort first: a worker that sees the cancellation first forgets the request id before the Abort arrives.
        if (!s.completed) client.abort(s.worker, exchange.workerRequestId(), reason);
        if (s.call != null) s.call.cancel(reason);
      }
    }

    private Failure protocol(Stream s, String what) {
      return Failure.of(s.worker, Cause.PROTOCOL, OpenAiError.badGateway(role(s) + "worker " + s.worker.url() + " " + what));
    }

    private String role(Stream s) {
      return s.isOutput ? "" : "prefill ";
    }
  }

  /** One Generate stream of an attempt. */
  private static final class Stream {
    final Worker worker;
    final boolean isOutput;
    GenerateCall call;
    boolean completed;
    boolean stopped;
    /** Messages handled since the worker was last allowed to send more. */
    int consumed;

    Stream(Worker worker, boolean isOutput) {
      this.worker = worker;
      this.isOutput = isOutput;
    }
  }
}
