package dev.switchboard.sim.http;

import dev.switchboard.sim.SimRuntime;
import dev.switchboard.sim.engine.Generation;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * One inference request in progress: owns its generations, answers once, and cancels the generations when the
 * client goes away. All methods run on the worker's context.
 */
final class Exchange {

  private final SimRuntime runtime;
  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final List<Generation> generations = new ArrayList<>(1);
  private final List<String> abortIds = new ArrayList<>(1);
  private boolean ended;
  private boolean aborted;
  private int events;
  /** Fault switches as they were when the request arrived. */
  private final int stallAfter;
  private final int dieAfter;
  private boolean stalled;

  Exchange(SimRuntime runtime, HttpServerRequest request) {
    this.runtime = runtime;
    this.request = request;
    this.response = request.response();
    this.stallAfter = runtime.controls().stallAfterEvents();
    this.dieAfter = runtime.controls().dieInsideEvent();
    runtime.stats().requestStarted();
    response.closeHandler(v -> clientGone());
    // A gateway's own request id (x-request-id) names the request for /abort_request, as an SGLang rid does.
    abortableAs(request.getHeader("x-request-id"));
  }

  SimRuntime runtime() {
    return runtime;
  }

  boolean ended() {
    return ended;
  }

  void track(Generation generation) {
    generations.add(generation);
    if (aborted) {
      runtime.engine().cancel(generation); // aborted before it started generating
    }
  }

  /** Lets /abort_request stop this request by {@code id}: its sequences finish with reason abort. */
  void abortableAs(String id) {
    if (id == null || id.isEmpty()) {
      return;
    }
    abortIds.add(id);
    runtime.registerAbortable(id, () -> runtime.context().runOnContext(v -> abort()));
  }

  private void abort() {
    if (ended || aborted) {
      return;
    }
    aborted = true;
    runtime.stats().countAborted();
    cancelGenerations();
  }

  void json(int status, String body) {
    if (ended) {
      return;
    }
    if (stallAfter >= 0 && status < 300) {
      stall(); // a stalled worker never answers; the client's leaving ends the exchange
      return;
    }
    ended = true;
    response.setStatusCode(status).putHeader("content-type", "application/json").end(body);
    finishedWith(status);
  }

  void error(int status, String message) {
    json(status, Json.error(status, message));
  }

  void startStream() {
    response.setStatusCode(200)
        .setChunked(true)
        .putHeader("content-type", "text/event-stream")
        .putHeader("cache-control", "no-cache")
        .writeHead();
  }

  /** Writes one SSE event {@code data: <payload>}. */
  void event(String payload) {
    if (ended || stalled) {
      return;
    }
    if (stallAfter >= 0 && events >= stallAfter) {
      stall();
      return;
    }
    if (dieAfter >= 0 && events >= dieAfter) {
      dieInside(payload);
      return;
    }
    response.write("data: " + payload + "\n\n");
    if (++events == 1 && runtime.controls().isDropMidStream()) {
      ended = true;
      unregister();
      runtime.stats().countFault();
      runtime.stats().requestEnded();
      cancelGenerations();
      request.connection().close();
    }
  }

  /** Stops producing: generations cancelled, the connection left open and silent. */
  private void stall() {
    if (!stalled) {
      stalled = true;
      runtime.stats().countFault();
      cancelGenerations();
    }
  }

  /** Writes half an event, then closes the connection: the client is left inside an unterminated event. */
  private void dieInside(String payload) {
    ended = true;
    unregister();
    runtime.stats().countFault();
    runtime.stats().requestEnded();
    cancelGenerations();
    response.write("data: " + payload.substring(0, Math.max(1, payload.length() / 2)))
        .onComplete(v -> request.connection().close());
  }

  /** Ends the stream with {@code data: [DONE]}. */
  void endStream() {
    if (ended || stalled) {
      return;
    }
    ended = true;
    response.end("data: [DONE]\n\n");
    finishedWith(200);
  }

  /** Ends a stream that carried an error event: {@code data: [DONE]}, not counted as completed. */
  void endStreamAfterError() {
    if (ended) {
      return;
    }
    ended = true;
    response.end("data: [DONE]\n\n");
    finishedWith(500);
  }

  private void finishedWith(int status) {
    unregister();
    runtime.stats().requestEnded();
    if (status < 300 && !aborted) {
      runtime.stats().countCompleted();
    }
  }

  private void clientGone() {
    if (ended) {
      return;
    }
    ended = true;
    unregister();
    runtime.stats().countCancelled();
    runtime.stats().requestEnded();
    cancelGenerations();
  }

  private void unregister() {
    for (String id : abortIds) {
      runtime.unregisterAbortable(id);
    }
  }

  private void cancelGenerations() {
    for (Generation generation : generations) {
      runtime.engine().cancel(generation);
    }
  }
}
