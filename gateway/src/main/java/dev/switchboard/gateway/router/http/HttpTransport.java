package dev.switchboard.gateway.router.http;

import dev.switchboard.gateway.exchange.Exchange;
import dev.switchboard.gateway.http.HttpWorkerClient;
import dev.switchboard.gateway.http.Relay;
import dev.switchboard.gateway.router.pipeline.Attempt;
import dev.switchboard.gateway.router.pipeline.Outcome;
import dev.switchboard.gateway.router.pipeline.Target;
import dev.switchboard.gateway.router.pipeline.Transport;
import dev.switchboard.gateway.worker.Worker;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;

/**
 * One attempt on one HTTP worker: the client's body bytes unchanged, the answer relayed chunk by chunk. A status
 * that says "try elsewhere" is held back (read whole) and reported as a failure before any byte, so the attempt loop
 * can try another worker or pass that answer on.
 */
final class HttpTransport implements Transport {
  private final HttpWorkerClient client;

  HttpTransport(HttpWorkerClient client) {
    this.client = client;
  }

  @Override
  public void dispatch(Attempt attempt) {
    Worker worker = ((Target.Single) attempt.target()).worker();
    Exchange exchange = attempt.exchange();
    client.open(worker, HttpMethod.POST, exchange.endpoint().path(), exchange, attempt.timeouts().connect()).onComplete(opened -> {
      if (opened.failed()) {
        attempt.end(new Outcome.FailedBeforeBytes(HttpFailures.transport(worker, opened.cause())));
        return;
      }
      HttpClientRequest request = opened.result();
      if (attempt.ended()) {
        request.reset();
        return;
      }
      attempt.onCancel(() -> { // the client left, a deadline passed, a drain ended it: the worker stops generating too
        request.reset();
        client.abort(worker, exchange.workerRequestId());
      });
      client.send(request, exchange.body()).onComplete(sent -> {
        if (attempt.ended()) return;
        if (sent.failed()) attempt.end(new Outcome.FailedBeforeBytes(HttpFailures.transport(worker, sent.cause())));
        else answered(attempt, worker, sent.result());
      });
    });
  }

  /** The worker's answer has a head: hold it back if it is a refusal, else relay it. */
  static void answered(Attempt attempt, Worker worker, HttpClientResponse response) {
    if (HttpFailures.refusal(response)) {
      HttpFailures.refused(worker, response, "").onSuccess(f -> attempt.end(new Outcome.FailedBeforeBytes(f)));
      return;
    }
    relay(attempt, worker, response, "");
  }

  /** Relays the answer as it comes; the attempt sees every chunk (first-byte and idle deadlines). */
  static void relay(Attempt attempt, Worker worker, HttpClientResponse response, String role) {
    int status = response.statusCode();
    Relay.toClient(response, attempt.exchange(), chunk -> {
      if (attempt.firstByteNanos() < 0) attempt.firstByte();
      else attempt.activity();
    }).onComplete(done -> {
      if (done.succeeded()) {
        attempt.end(new Outcome.Completed(status));
      } else if (attempt.committed()) {
        attempt.end(new Outcome.FailedAfterBytes(HttpFailures.broken(worker, done.cause(), role)));
      } else {
        attempt.end(new Outcome.FailedBeforeBytes(HttpFailures.broken(worker, done.cause(), role)));
      }
    });
  }
}
