package dev.switchboard.gateway.router.grpc;

import dev.switchboard.gateway.exchange.Exchange;
import dev.switchboard.gateway.exchange.OpenAiError;
import dev.switchboard.gateway.grpc.GrpcWorkerClient;
import dev.switchboard.gateway.grpc.GrpcWorkerClient.GenerateCall;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.router.RetryRule;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.protocol.scheduler.GenerateRequest;
import dev.switchboard.protocol.scheduler.GenerateResponse;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request's Generate streams, across attempts. The output stream feeds the writer; in PD a prefill stream
 * runs beside it (its Complete carries input logprobs when asked for). Every event is handled on the request's
 * event loop. Whatever ends the request without success — client disconnect, worker error, giving up — cancels
 * every stream started and sends Abort for the request id to each of their workers. An attempt whose stream
 * failed with UNAVAILABLE before any message arrived is retried on other workers while the client has seen nothing.
 */
final class GenerateRun {
  private static final Logger log = LoggerFactory.getLogger(GenerateRun.class);

  private final Vertx vertx;
  private final Context context;
  private final Exchange exchange;
  private final Plan plan;
  private final OutputWriter writer;
  private final GrpcWorkerClient client;
  private final RetryRule retry;
  private final GatewayMetrics metrics;
  private final String routerName;
  private final Function<Set<Worker>, Targets> picker;
  private final Set<Worker> tried = new HashSet<>(4);
  private final List<Started> started = new ArrayList<>(2);
  private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean draining = new AtomicBoolean();
  private int attempt;
  private boolean done;
  private boolean awaitingClientDrain;

  /** One stream of the current attempt. */
  private final class Started {
    final Worker worker;
    final Worker.Lease lease;
    final boolean output;
    final int attempt;
    GenerateCall call;
    boolean received;
    boolean completed;
    boolean abandoned;
    /** Messages handled since the worker was last allowed to send more. */
    int consumed;

    Started(Worker worker, boolean output, int attempt) {
      this.worker = worker;
      this.lease = worker.lease();
      this.output = output;
      this.attempt = attempt;
    }
  }

  private Started outputStream;
  private Started prefillStream;

  GenerateRun(Vertx vertx, Exchange exchange, Plan plan, OutputWriter writer, GrpcWorkerClient client, RetryRule retry,
      GatewayMetrics metrics, String routerName, Function<Set<Worker>, Targets> picker) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.exchange = exchange;
    this.plan = plan;
    this.writer = writer;
    this.client = client;
    this.retry = retry;
    this.metrics = metrics;
    this.routerName = routerName;
    this.picker = picker;
  }

  void start() {
    exchange.response().closeHandler(v -> {
      if (!done) end(null, "client disconnected");
    });
    next();
  }

  private void next() {
    if (done || exchange.finished()) return;
    Targets targets = picker.apply(tried);
    if (targets instanceof Targets.NoneAvailable none) {
      end(none.error(), "no workers");
      return;
    }
    Targets.Chosen chosen = (Targets.Chosen) targets;
    attempt++;
    GenerateRequest request = chosen.request().toBuilder().setRequestId(exchange.workerRequestId()).build();
    if (chosen.prefill() != null) {
      tried.add(chosen.prefill());
      prefillStream = open(chosen.prefill(), request, false);
    } else {
      prefillStream = null;
    }
    tried.add(chosen.output());
    outputStream = open(chosen.output(), request, true);
  }

  private Started open(Worker worker, GenerateRequest request, boolean output) {
    Started s = new Started(worker, output, attempt);
    started.add(s);
    try {
      s.call = client.generate(worker, request, new GrpcWorkerClient.GenerateListener() {
        @Override public void onResponse(GenerateResponse r) { post(() -> response(s, r)); }
        @Override public void onFailure(Throwable t) { post(() -> failure(s, t)); }
        @Override public void onEnd() { post(() -> ended(s)); }
      });
    } catch (RuntimeException e) {
      post(() -> failure(s, e));
    }
    return s;
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
      while ((event = inbox.poll()) != null) event.run();
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
    for (Started s : started) {
      if (s.consumed == 0 || s.call == null || (clientSlow && s.output)) continue;
      s.call.request(s.consumed);
      s.consumed = 0;
    }
  }

  private boolean stale(Started s) {
    return done || s.abandoned;
  }

  private void response(Started s, GenerateResponse r) {
    s.consumed++;
    if (stale(s)) return;
    s.received = true;
    switch (r.getResponseCase()) {
      case CHUNK -> {
        if (s.output && !writer.onChunk(r.getChunk())) {
          end(OpenAiError.badGateway("worker " + s.worker.url() + " sent a chunk for choice " + r.getChunk().getIndex()
              + " of a request with n=" + plan.n()), "protocol error");
        }
      }
      case COMPLETE -> {
        if (s.output) {
          if (!writer.onComplete(r.getComplete())) {
            end(OpenAiError.badGateway("worker " + s.worker.url() + " completed choice " + r.getComplete().getIndex()
                + " twice or out of range"), "protocol error");
            return;
          }
          if (writer.allComplete()) s.completed = true;
        } else {
          s.completed = true;
          if (r.getComplete().hasInputLogprobs()) writer.prefillInputLogprobs(r.getComplete().getInputLogprobs());
        }
        maybeSucceed();
      }
      case ERROR -> {
        OpenAiError e = GenerateErrors.of(r.getError());
        end(s.output ? e : new OpenAiError(e.status(), "prefill worker " + s.worker.url() + ": " + e.message(), e.type(), null, null),
            "worker error");
      }
      default -> end(OpenAiError.badGateway("worker " + s.worker.url() + " sent an empty response"), "protocol error");
    }
  }

  private void failure(Started s, Throwable t) {
    if (stale(s) || s.completed) return;
    boolean nothingSeen = !outputStream.received && (prefillStream == null || !prefillStream.received);
    if (nothingSeen && !exchange.responseStarted() && GenerateErrors.retryable(t) && attempt < retry.maxAttempts()) {
      log.debug("attempt {} of {} on {} failed: {}; retrying", attempt, exchange.requestId(), s.worker.url(), t.toString());
      abandonAttempt("retrying after " + t.getMessage());
      metrics.retried(routerName);
      int failedAttempt = attempt;
      vertx.setTimer(retry.backoffMillis(failedAttempt), id -> next());
      return;
    }
    String prefix = s.output ? "" : "prefill ";
    OpenAiError e = GenerateErrors.ofFailure(s.worker, t);
    end(new OpenAiError(e.status(), prefix + e.message(), e.type(), e.param(), e.code()), "stream failed");
  }

  private void ended(Started s) {
    if (stale(s)) return;
    if (s.output && !writer.allComplete()) {
      end(OpenAiError.badGateway("worker " + s.worker.url() + " ended the stream before completing the request"), "stream ended early");
      return;
    }
    if (!s.output) {
      s.completed = true; // a prefill stream that ends without Complete has nothing more to give
      maybeSucceed();
    }
  }

  /** Success: the output stream completed every choice and, when input logprobs are merged, the prefill finished. */
  private void maybeSucceed() {
    if (done || !outputStream.completed) return;
    if (prefillStream != null && plan.logprobs() && !prefillStream.completed) return;
    done = true;
    for (Started s : started) s.lease.release();
    writer.finish();
  }

  /** Stops the current attempt's streams (cancel + Abort) so another attempt can start. */
  private void abandonAttempt(String reason) {
    for (Started s : started) {
      if (s.attempt == attempt && !s.abandoned) {
        s.abandoned = true;
        stop(s, reason);
      }
    }
  }

  /** Ends the request without success: every stream started is cancelled and aborted; the client gets the error. */
  private void end(OpenAiError error, String reason) {
    if (done) return;
    done = true;
    for (Started s : started) {
      if (!s.abandoned) stop(s, reason);
    }
    if (error != null) {
      writer.flush();
      exchange.fail(error);
    }
  }

  private void stop(Started s, String reason) {
    s.lease.release();
    // Abort first: a worker that sees the cancellation first forgets the request id before the Abort arrives.
    if (!s.completed) client.abort(s.worker, exchange.workerRequestId(), reason);
    if (s.call != null) s.call.cancel(reason);
  }
}
