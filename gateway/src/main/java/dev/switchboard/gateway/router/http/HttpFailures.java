package dev.switchboard.gateway.router.http;

import dev.switchboard.gateway.exchange.OpenAiError;
import dev.switchboard.gateway.router.RetryRule;
import dev.switchboard.gateway.router.pipeline.Failure;
import dev.switchboard.gateway.worker.AttemptReport.Cause;
import dev.switchboard.gateway.worker.Worker;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpClosedException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeoutException;

/** Turns what went wrong talking to an HTTP worker into a {@link Failure}: its cause, status and client error. */
final class HttpFailures {
  /** A worker's error answer kept whole up to this size, so it can be passed on unchanged. */
  static final int MAX_ERROR_BODY = 64 * 1024;
  private static final int MESSAGE_LIMIT = 2_048;

  private HttpFailures() {}

  /** The request could not be sent or the answer's head did not arrive. */
  static Failure transport(Worker worker, Throwable err) {
    if (err instanceof TimeoutException || err instanceof ConnectTimeoutException
        || err.getClass().getSimpleName().contains("Timeout")) {
      return Failure.of(worker, Cause.TIMEOUT, OpenAiError.gatewayTimeout("worker " + worker.url() + " did not answer in time"));
    }
    if (err instanceof ConnectException) {
      return Failure.of(worker, Cause.UNREACHABLE, OpenAiError.badGateway("worker " + worker.url() + " is unreachable: " + err.getMessage()));
    }
    if (err instanceof HttpClosedException) {
      return Failure.of(worker, Cause.UNREACHABLE, OpenAiError.badGateway("worker " + worker.url() + " closed the connection before answering"));
    }
    return Failure.of(worker, Cause.UNREACHABLE, OpenAiError.badGateway("worker " + worker.url() + " failed: " + err.getMessage()));
  }

  /**
   * The answer broke off after its head arrived.
   *
   * @param role "" or "decode " for the message
   */
  static Failure broken(Worker worker, Throwable err, String role) {
    return Failure.of(worker, Cause.BROKEN, OpenAiError.badGateway(role + "worker " + worker.url() + " broke off the response: " + err.getMessage()));
  }

  /** Whether a worker's status says another worker might do better (so its answer is held back, not relayed). */
  static boolean refusal(HttpClientResponse response) {
    return RetryRule.retryableStatus(response.statusCode());
  }

  /**
   * A worker refused the request with {@code response}: reads its (small) answer whole so that, if no other target
   * does better, the client gets exactly what the worker said.
   *
   * @param role "" or "prefill " for the message
   */
  static Future<Failure> refused(Worker worker, HttpClientResponse response, String role) {
    int status = response.statusCode();
    long retryAfter = retryAfterMillis(response.getHeader("retry-after"));
    Buffer body = Buffer.buffer();
    io.vertx.core.Promise<Failure> result = io.vertx.core.Promise.promise();
    response.handler(chunk -> {
      if (body.length() + chunk.length() > MAX_ERROR_BODY) {
        response.handler(null);
        response.request().reset();
        result.tryComplete(new Failure(worker, Cause.STATUS, status, error(worker, status, body, role), null, retryAfter));
        return;
      }
      body.appendBuffer(chunk);
    });
    response.exceptionHandler(err -> result.tryComplete(new Failure(worker, Cause.STATUS, status, error(worker, status, body, role), null, retryAfter)));
    response.endHandler(v -> result.tryComplete(new Failure(worker, Cause.STATUS, status, error(worker, status, body, role),
        role.isEmpty() ? new Failure.WorkerAnswer(status, response.headers(), body) : null, retryAfter)));
    response.resume();
    return result.future();
  }

  private static OpenAiError error(Worker worker, int status, Buffer body, String role) {
    String said = body.toString(StandardCharsets.UTF_8).strip();
    if (said.length() > MESSAGE_LIMIT) said = said.substring(0, MESSAGE_LIMIT) + "…";
    return new OpenAiError(status, role + "worker " + worker.url() + " answered " + status + (said.isEmpty() ? "" : ": " + said),
        "upstream_error", null, role.isEmpty() ? "worker_error" : "prefill_error");
  }

  /** {@code Retry-After} in seconds (the HTTP-date form is ignored), or -1. */
  static long retryAfterMillis(String header) {
    if (header == null) return -1;
    try {
      long seconds = Long.parseLong(header.strip());
      return seconds >= 0 ? seconds * 1000 : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
