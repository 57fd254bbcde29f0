package dev.switchboard.sim.grpc;

import dev.switchboard.protocol.scheduler.GenerateComplete;
import dev.switchboard.protocol.scheduler.GenerateError;
import dev.switchboard.protocol.scheduler.GenerateResponse;
import dev.switchboard.protocol.scheduler.GenerateStreamChunk;
import dev.switchboard.protocol.scheduler.InputLogProbs;
import dev.switchboard.protocol.scheduler.InputTokenLogProb;
import dev.switchboard.protocol.scheduler.OutputLogProbs;
import dev.switchboard.sim.SimRole;
import dev.switchboard.sim.SimRuntime;
import dev.switchboard.sim.cache.SimTokens;
import dev.switchboard.sim.engine.Generation;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayList;
import java.util.List;

/**
 * One Generate RPC in progress: sends chunks (when streaming) and one Complete per choice, then completes the
 * stream. After the call has started, every method runs on the worker's context.
 */
final class GenerateCall {

  private final SimRuntime runtime;
  private final ServerCallStreamObserver<GenerateResponse> observer;
  final String requestId;
  private final boolean stream;
  private final boolean logprobs;
  private final List<GrpcChoice> choices = new ArrayList<>();
  private final List<Generation> generations = new ArrayList<>();
  private final Runnable onEnd;
  private int remaining;
  private int chunksSent;
  /** Fault switches as they were when the call arrived. */
  private final int stallAfter;
  private final int dieAfter;
  private boolean stalled;
  private boolean ended;
  private boolean aborted;
  private boolean started;

  GenerateCall(SimRuntime runtime, ServerCallStreamObserver<GenerateResponse> observer, String requestId,
      boolean stream, boolean logprobs, Runnable onEnd) {
    this.runtime = runtime;
    this.observer = observer;
    this.requestId = requestId;
    this.stream = stream;
    this.logprobs = logprobs;
    this.onEnd = onEnd;
    this.stallAfter = runtime.controls().stallAfterEvents();
    this.dieAfter = runtime.controls().dieInsideEvent();
    runtime.stats().requestStarted();
  }

  void add(GrpcChoice choice) {
    choices.add(choice);
    remaining++;
  }

  List<GrpcChoice> choices() {
    return choices;
  }

  void start(boolean usesCache) {
    if (ended) {
      return;
    }
    started = true;
    if (aborted) {
      finishUnstarted();
      return;
    }
    for (GrpcChoice choice : choices) {
      generations.add(runtime.engine().submit(choice.spec(usesCache, stream), choice));
    }
  }

  boolean ended() {
    return ended;
  }

  void onToken(GrpcChoice choice, int tokenId, boolean first) {
    if (ended || stalled || !stream) {
      return;
    }
    if (stallAfter >= 0 && chunksSent >= stallAfter) {
      stall();
      return;
    }
    if (dieAfter >= 0 && chunksSent >= dieAfter) {
      runtime.stats().countFault();
      die("simulated death inside the stream");
      return;
    }
    GenerateStreamChunk.Builder chunk = GenerateStreamChunk.newBuilder()
        .addTokenIds(tokenId)
        .setPromptTokens(choice.prompt.length)
        .setCompletionTokens(choice.produced())
        .setCachedTokens(choice.cachedTokens())
        .setIndex(choice.index);
    if (logprobs) {
      chunk.setOutputLogprobs(OutputLogProbs.newBuilder()
          .addTokenLogprobs(logprob(tokenId, choice.prompt.length + choice.produced() - 1))
          .addTokenIds(tokenId));
      if (first) {
        chunk.setInputLogprobs(inputLogprobs(choice.prompt));
      }
    }
    send(GenerateResponse.newBuilder().setRequestId(requestId).setChunk(chunk).build());
    if (++chunksSent == 1 && runtime.controls().isDropMidStream() && !ended) {
      ended = true;
      runtime.stats().countFault();
      runtime.stats().requestEnded();
      cancelGenerations();
      onEnd.run();
      try {
        observer.onError(Status.UNAVAILABLE.withDescription("simulated connection drop").asRuntimeException());
      } catch (RuntimeException ignored) {
        // client already gone
      }
    }
  }

  void onChoiceDone(GrpcChoice choice) {
    remaining--;
    if (ended || stalled) {
      return;
    }
    if (stallAfter >= 0) {
      stall(); // non-streaming (or streamed to the end): the answer never comes
      return;
    }
    GenerateComplete.Builder complete = GenerateComplete.newBuilder()
        .setFinishReason(choice.finishReason())
        .setPromptTokens(choice.prompt.length)
        .setCompletionTokens(choice.produced())
        .setCachedTokens(choice.cachedTokens())
        .setIndex(choice.index);
    int[] ids = choice.outputIds();
    for (int id : ids) {
      complete.addOutputIds(id);
    }
    if (choice.matchedTokenId() != null) {
      complete.setMatchedTokenId(choice.matchedTokenId());
    }
    if (logprobs) {
      OutputLogProbs.Builder output = OutputLogProbs.newBuilder();
      for (int i = 0; i < ids.length; i++) {
        output.addTokenLogprobs(logprob(ids[i], choice.prompt.length + i)).addTokenIds(ids[i]);
      }
      complete.setOutputLogprobs(output).setInputLogprobs(inputLogprobs(choice.prompt));
    }
    send(GenerateResponse.newBuilder().setRequestId(requestId).setComplete(complete).build());
    if (remaining == 0) {
      ended = true;
      runtime.stats().requestEnded();
      if (!aborted) {
        runtime.stats().countCompleted();
      }
      onEnd.run();
      try {
        observer.onCompleted();
      } catch (RuntimeException ignored) {
        // client already gone
      }
    }
  }

  /** Answers a GenerateError and completes the stream (before any generation started). */
  void fail(int httpStatus, String message) {
    if (ended) {
      return;
    }
    ended = true;
    runtime.stats().requestEnded();
    onEnd.run();
    try {
      observer.onNext(GenerateResponse.newBuilder().setRequestId(requestId)
          .setError(GenerateError.newBuilder().setMessage(message)
              .setHttpStatusCode(Integer.toString(httpStatus)))
          .build());
      observer.onCompleted();
    } catch (RuntimeException ignored) {
      // client already gone
    }
  }

  /** Stops producing and never ends the call; the client's cancellation ends it. */
  private void stall() {
    if (!stalled) {
      stalled = true;
      runtime.stats().countFault();
      cancelGenerations();
    }
  }

  /** Fails the call with UNAVAILABLE, as a dying server's transport would. */
  void die(String message) {
    if (ended) {
      return;
    }
    ended = true;
    runtime.stats().requestEnded();
    cancelGenerations();
    onEnd.run();
    try {
      observer.onError(Status.UNAVAILABLE.withDescription(message).asRuntimeException());
    } catch (RuntimeException ignored) {
      // client already gone
    }
  }

  /** The client cancelled the RPC. */
  void clientGone() {
    if (ended) {
      return;
    }
    ended = true;
    runtime.stats().countCancelled();
    runtime.stats().requestEnded();
    onEnd.run();
    cancelGenerations();
  }

  /** An Abort RPC named this call: the choices finish with "abort". */
  void abort() {
    if (ended) {
      return;
    }
    if (aborted) {
      return;
    }
    aborted = true;
    runtime.stats().countAborted();
    if (started) {
      cancelGenerations();
    }
  }

  /** Aborted before generating (e.g. while waiting for PD pairing): every choice completes with "abort". */
  private void finishUnstarted() {
    for (GrpcChoice choice : choices) {
      choice.onFinish(dev.switchboard.sim.engine.FinishReason.ABORT);
    }
  }

  private void cancelGenerations() {
    for (Generation generation : generations) {
      runtime.engine().cancel(generation);
    }
  }

  private void send(GenerateResponse response) {
    try {
      if (!observer.isCancelled()) {
        observer.onNext(response);
      }
    } catch (RuntimeException e) {
      clientGone();
    }
  }

  private InputLogProbs inputLogprobs(int[] prompt) {
    InputLogProbs.Builder input = InputLogProbs.newBuilder();
    boolean decode = runtime.config().role() == SimRole.DECODE;
    int from = decode ? Math.max(0, prompt.length - 1) : 0;
    for (int i = from; i < prompt.length; i++) {
      InputTokenLogProb.Builder value = InputTokenLogProb.newBuilder();
      if (i > 0) {
        value.setValue(logprob(prompt[i], i));
      }
      input.addTokenLogprobs(value).addTokenIds(prompt[i]);
    }
    return input.build();
  }

  private static float logprob(int tokenId, int position) {
    long h = SimTokens.mix(tokenId * 0x9E3779B97F4A7C15L + position);
    return (float) -(((h >>> 11) / (double) (1L << 53)) * 5.0);
  }
}
