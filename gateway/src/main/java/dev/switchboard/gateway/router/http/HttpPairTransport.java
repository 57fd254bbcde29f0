package dev.switchboard.gateway.router.http;

import dev.switchboard.gateway.exchange.Exchange;
import dev.switchboard.gateway.http.HttpWorkerClient;
import dev.switchboard.gateway.http.Relay;
import dev.switchboard.gateway.router.pipeline.Attempt;
import dev.switchboard.gateway.router.pipeline.Failure;
import dev.switchboard.gateway.router.pipeline.Outcome;
import dev.switchboard.gateway.router.pipeline.Target;
import dev.switchboard.gateway.router.pipeline.Transport;
import dev.switchboard.gateway.worker.Worker;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;

/**
 * One attempt on a prefill/decode pair (SGLang disaggregation): the client's JSON with the bootstrap fields added
 * (the prefill's host and bootstrap port, fresh rooms) goes to both workers at once; the decode worker's answer is
 * relayed, with the prefill's input logprobs merged in when asked for.
 *
 * <p>The pair is judged when both heads arrived (or failed): a prefill failure wins (a decode failure in the same
 * pair is usually its consequence: no KV transfer to pair with), then a decode failure, else the decode answer goes
 * to the client. A prefill failure cancels the decode request at once — without its prefill the decode worker could
 * only wait for a KV transfer that never comes.
 */
final class HttpPairTransport implements Transport {
  private final HttpWorkerClient client;

  HttpPairTransport(HttpWorkerClient client) {
    this.client = client;
  }

  @Override
  public void dispatch(Attempt attempt) {
    Target.Pair pair = (Target.Pair) attempt.target();
    Buffer body = Bootstrap.inject(attempt.facts(), pair.prefill().host(), pair.prefill().bootstrapPort());
    new PairCall(attempt, pair.prefill(), pair.decode(), body).start();
  }

  private final class PairCall {
    private final Attempt attempt;
    private final Exchange exchange;
    private final Worker prefill;
    private final Worker decode;
    private final Buffer body;
    private HttpClientRequest prefillRequest;
    private HttpClientRequest decodeRequest;
    private boolean decodeCancelled;
    /** A side's connection broke while its answer waited, paused, for the other side's head. */
    private Throwable prefillBroken;
    private Throwable decodeBroken;

    PairCall(Attempt attempt, Worker prefill, Worker decode, Buffer body) {
      this.attempt = attempt;
      this.exchange = attempt.exchange();
      this.prefill = prefill;
      this.decode = decode;
      this.body = body;
    }

    void start() {
      attempt.onCancel(this::abortBoth);
      Future<HttpClientResponse> p = call(prefill);
      Future<HttpClientResponse> d = call(decode);
      p.onComplete(ar -> {
        if (ar.failed() || !ok(ar.result())) cancelDecode();
      });
      Future.join(p, d).onComplete(v -> judge(p, d));
    }

    private Future<HttpClientResponse> call(Worker worker) {
      boolean isPrefill = worker == prefill;
      return client.open(worker, HttpMethod.POST, exchange.endpoint().path(), exchange, attempt.timeouts().connect()).compose(request -> {
        if (isPrefill) prefillRequest = request; else decodeRequest = request;
        if (attempt.ended() || (!isPrefill && decodeCancelled)) {
          request.reset();
          return Future.failedFuture("cancelled before sending");
        }
        return client.send(request, body).map(response -> {
          response.exceptionHandler(err -> {
            if (isPrefill) prefillBroken = err; else decodeBroken = err;
          });
          return response;
        });
      });
    }

    private void cancelDecode() {
      decodeCancelled = true;
      if (decodeRequest != null) decodeRequest.reset();
    }

    private void resetBoth() {
      if (prefillRequest != null) prefillRequest.reset();
      if (decodeRequest != null) decodeRequest.reset();
    }

    /** Cancelled from outside: both halves stop, and both workers are told to abort (PD pairing included). */
    private void abortBoth() {
      resetBoth();
      client.abort(prefill, exchange.workerRequestId());
      client.abort(decode, exchange.workerRequestId());
    }

    private void judge(Future<HttpClientResponse> p, Future<HttpClientResponse> d) {
      if (attempt.ended()) {
        resetBoth();
        return;
      }
      if (p.failed()) {
        drop(d);
        failed(HttpFailures.transport(prefill, p.cause()));
      } else if (!ok(p.result())) {
        drop(d);
        HttpFailures.refused(prefill, p.result(), "prefill ").onSuccess(this::failed);
      } else if (d.failed()) {
        p.result().resume();
        failed(HttpFailures.transport(decode, d.cause()));
      } else if (decodeBroken != null) {
        p.result().resume();
        failed(HttpFailures.broken(decode, decodeBroken, "decode "));
      } else if (HttpFailures.refusal(d.result())) {
        p.result().resume();
        HttpFailures.refused(decode, d.result(), "").onSuccess(this::failed);
      } else if (!ok(d.result()) || !PrefillLogprobs.wanted(attempt.facts())) {
        p.result().resume(); // drained and dropped: the client gets the decode side's answer
        HttpTransport.relay(attempt, decode, d.result(), "decode ");
      } else if (attempt.facts().stream()) {
        HttpClientResponse decodeResponse = d.result();
        prefillBody(p.result()).onComplete(pb -> relayMerged(decodeResponse,
            PrefillLogprobs.from(pb.succeeded() ? pb.result() : Buffer.buffer())));
      } else {
        answerMerged(p.result(), d.result());
      }
    }

    private void failed(Failure failure) {
      resetBoth();
      attempt.end(new Outcome.FailedBeforeBytes(failure));
    }

    /** Non-streamed with logprobs: both bodies in full, the decode body with the prefill's logprobs in front. */
    private void answerMerged(HttpClientResponse prefillResponse, HttpClientResponse decodeResponse) {
      Future<Buffer> p = prefillBody(prefillResponse);
      Future<Buffer> d = whole(decodeResponse);
      Future.join(p, d).onComplete(v -> {
        if (attempt.ended()) return;
        if (d.failed()) {
          failed(HttpFailures.broken(decode, d.cause(), "decode "));
          return;
        }
        attempt.firstByte();
        Buffer answer = p.succeeded() ? PrefillLogprobs.from(p.result()).mergeBody(d.result()) : d.result();
        exchange.observer().body(answer);
        Relay.head(decodeResponse, exchange).end(answer);
        attempt.end(new Outcome.Completed(decodeResponse.statusCode()));
      });
    }

    /** Streamed with logprobs: decode's events in order, re-serialised only where logprobs are merged in. */
    private void relayMerged(HttpClientResponse response, PrefillLogprobs logprobs) {
      if (attempt.ended()) return;
      if (decodeBroken != null) { // broke while the prefill's answer was read: nothing reached the client yet
        failed(HttpFailures.broken(decode, decodeBroken, "decode "));
        return;
      }
      if (logprobs.isEmpty()) {
        HttpTransport.relay(attempt, decode, response, "decode ");
        return;
      }
      HttpServerResponse out = Relay.head(response, exchange).setChunked(true);
      SseEvents events = new SseEvents();
      response.handler(chunk -> {
        if (attempt.firstByteNanos() < 0) attempt.firstByte();
        else attempt.activity();
        events.feed(chunk, event -> exchange.write(logprobs.mergeEvent(event)));
        if (out.writeQueueFull()) {
          response.pause();
          out.drainHandler(v -> response.resume());
        }
      });
      response.exceptionHandler(err -> {
        if (!attempt.ended()) attempt.end(new Outcome.FailedAfterBytes(HttpFailures.broken(decode, err, "decode ")));
      });
      response.endHandler(v -> {
        Buffer rest = events.rest();
        if (rest.length() > 0) exchange.write(rest);
        out.end();
        attempt.end(new Outcome.Completed(response.statusCode()));
      });
      response.resume();
    }

    /** The prefill's whole answer, for its logprobs; failed at once if its connection already broke. */
    private Future<Buffer> prefillBody(HttpClientResponse response) {
      return prefillBroken != null ? Future.failedFuture(prefillBroken) : whole(response);
    }
  }

  private static void drop(Future<HttpClientResponse> response) {
    if (response.succeeded()) response.result().resume();
  }

  private static Future<Buffer> whole(HttpClientResponse response) {
    Future<Buffer> body = response.body();
    response.resume();
    return body;
  }

  private static boolean ok(HttpClientResponse response) {
    return response.statusCode() / 100 == 2;
  }
}
