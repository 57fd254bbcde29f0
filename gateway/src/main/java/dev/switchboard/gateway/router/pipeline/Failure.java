package dev.switchboard.gateway.router.pipeline;

import dev.switchboard.gateway.exchange.Exchange;
import dev.switchboard.gateway.exchange.OpenAiError;
import dev.switchboard.gateway.worker.AttemptReport.Cause;
import dev.switchboard.gateway.worker.Worker;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * Why an attempt failed, and what the client gets if it is the last one: the worker's own answer when it gave one
 * (a 503 with its body, say), else the gateway's OpenAI-style error.
 *
 * @param culprit the worker that failed (in a pair, the half that failed first)
 * @param status the worker's status, or the one the failure maps to (502 unreachable or broken, 504 deadline)
 * @param answer the worker's error answer, kept whole so it can be passed on unchanged; {@code null} for none
 * @param retryAfterMillis the worker's {@code Retry-After}, or -1
 */
public record Failure(Worker culprit, Cause cause, int status, OpenAiError error, WorkerAnswer answer,
    long retryAfterMillis) {

  /** A worker's complete (small) error answer. */
  public record WorkerAnswer(int status, MultiMap headers, Buffer body) {}

  public static Failure of(Worker culprit, Cause cause, OpenAiError error) {
    return new Failure(culprit, cause, error.status(), error, null, -1);
  }

  /** Ends the client's response with this failure (JSON, or an SSE error event once a stream has started). */
  void answer(Exchange exchange) {
    if (answer != null && !exchange.responseStarted()) {
      exchange.answer(answer.status(), answer.headers(), answer.body());
    } else {
      exchange.fail(error);
    }
  }
}
