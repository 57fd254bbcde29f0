package dev.switchboard.gateway.router.http;

import dev.switchboard.gateway.router.InferenceRouter;
import dev.switchboard.gateway.router.RetryRule;
import dev.switchboard.gateway.router.RouterId;
import dev.switchboard.gateway.exchange.Endpoint;
import dev.switchboard.gateway.exchange.Exchange;
import dev.switchboard.gateway.exchange.Headers;
import dev.switchboard.gateway.exchange.OpenAiError;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.policy.Candidates;
import dev.switchboard.gateway.policy.PolicyRegistry;
import dev.switchboard.gateway.policy.SelectionContext;
import dev.switchboard.gateway.http.HttpWorkerClient;
import dev.switchboard.gateway.http.Relay;
import dev.switchboard.gateway.http.UpstreamErrors;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.WorkerRegistry;
import dev.switchboard.gateway.worker.WorkerSnapshot.PoolKey;
import dev.switchboard.gateway.worker.WorkerType;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Router two: HTTP prefill/decode pairs (SGLang disaggregation). Per attempt it picks a prefill worker and a decode
 * worker with their own pools' policies, adds the bootstrap fields (the prefill's host and bootstrap port, a fresh
 * random room) to the client's JSON, sends the same bytes to both at once, and relays the decode worker's answer.
 * A failed pair is retried with a new pair and new rooms while nothing has reached the client.
 */
public final class HttpPdRouter implements InferenceRouter {
  private static final Logger log = LoggerFactory.getLogger(HttpPdRouter.class);
  private static final int ERROR_BODY_LIMIT = 2_048;

  private final Vertx vertx;
  private final WorkerRegistry registry;
  private final PolicyRegistry policies;
  private final HttpWorkerClient upstream;
  private final RetryRule retry;
  private final GatewayMetrics metrics;

  public HttpPdRouter(Vertx vertx, WorkerRegistry registry, PolicyRegistry policies, HttpWorkerClient upstream,
      RetryRule retry, GatewayMetrics metrics) {
    this.vertx = vertx;
    this.registry = registry;
    this.policies = policies;
    this.upstream = upstream;
    this.retry = retry;
    this.metrics = metrics;
  }

  @Override
  public RouterId id() {
    return RouterId.HTTP_PD;
  }

  private List<Worker> pool(String model, WorkerType type) {
    return registry.snapshot().pool(model, type, ConnectionMode.HTTP);
  }

  @Override
  public boolean canServe(String model) {
    return anyAvailable(pool(model, WorkerType.PREFILL)) && anyAvailable(pool(model, WorkerType.DECODE));
  }

  private static boolean anyAvailable(List<Worker> pool) {
    for (Worker w : pool) {
      if (w.isAvailable()) return true;
    }
    return false;
  }

  @Override
  public List<Worker> workers(String model) {
    List<Worker> all = new ArrayList<>(pool(model, WorkerType.PREFILL));
    all.addAll(pool(model, WorkerType.DECODE));
    return all;
  }

  @Override
  public void route(Exchange exchange, String model) {
    Endpoint e = exchange.endpoint();
    if (e == Endpoint.EMBEDDINGS || e == Endpoint.RESPONSES) {
      exchange.fail(OpenAiError.notImplemented(e.path() + " is not served by prefill/decode workers, and model '"
          + model + "' has no regular worker that could serve it"));
      return;
    }
    new Attempts(exchange, model).next();
  }

  /** The result of a pair health check: both workers answered {@code /health_generate} with 2xx, or why not. */
  public record PairHealth(boolean healthy, String message) {}

  /**
   * Picks a pair for {@code model} as a request would and asks both workers' {@code /health_generate} at once:
   * proof that a prefill and a decode worker can each run a generation now.
   */
  public Future<PairHealth> checkPair(String model, Duration timeout) {
    SelectionContext ctx = SelectionContext.of(model, "");
    List<Worker> prefills = Candidates.eligible(pool(model, WorkerType.PREFILL), ctx, Set.of());
    List<Worker> decodes = Candidates.eligible(pool(model, WorkerType.DECODE), ctx, Set.of());
    if (prefills.isEmpty() || decodes.isEmpty()) {
      return Future.succeededFuture(new PairHealth(false, "no healthy prefill/decode pair for model '" + model + "'"));
    }
    Worker prefill = policies.policy(new PoolKey(model, WorkerType.PREFILL, ConnectionMode.HTTP)).pick(prefills, ctx);
    Worker decode = policies.policy(new PoolKey(model, WorkerType.DECODE, ConnectionMode.HTTP)).pick(decodes, ctx);
    Future<Buffer> p = upstream.get(prefill, "/health_generate", timeout);
    Future<Buffer> d = upstream.get(decode, "/health_generate", timeout);
    return Future.join(p, d).transform(v -> {
      if (p.succeeded() && d.succeeded()) {
        return Future.succeededFuture(new PairHealth(true,
            "health_generate passed on prefill=" + prefill.url() + ", decode=" + decode.url()));
      }
      List<String> errors = new ArrayList<>(2);
      if (p.failed()) errors.add("prefill " + prefill.url() + ": " + p.cause().getMessage());
      if (d.failed()) errors.add("decode " + decode.url() + ": " + d.cause().getMessage());
      return Future.succeededFuture(new PairHealth(false, "health_generate failed: " + String.join("; ", errors)));
    });
  }

  /** The attempts of one request; each uses a new pair and new rooms, avoiding workers that already failed it. */
  private final class Attempts {
    private final Exchange exchange;
    private final String model;
    private final boolean mergeLogprobs;
    private final Set<Worker> failedPrefills = new HashSet<>(2);
    private final Set<Worker> failedDecodes = new HashSet<>(2);
    private int attempt;

    Attempts(Exchange exchange, String model) {
      this.exchange = exchange;
      this.model = model;
      this.mergeLogprobs = PrefillLogprobs.wanted(exchange.facts());
    }

    private List<Worker> candidates(WorkerType type) {
      return Candidates.eligible(pool(model, type), exchange.facts(),
          type == WorkerType.PREFILL ? failedPrefills : failedDecodes);
    }

    void next() {
      if (exchange.finished()) return;
      List<Worker> prefills = candidates(WorkerType.PREFILL);
      List<Worker> decodes = candidates(WorkerType.DECODE);
      if (prefills.isEmpty() || decodes.isEmpty()) {
        String side = prefills.isEmpty() ? "prefill" : "decode";
        exchange.fail(OpenAiError.unavailable("no healthy " + side + " worker can serve model '" + model + "' right now"));
        return;
      }
      Worker prefill = policies.policy(new PoolKey(model, WorkerType.PREFILL, ConnectionMode.HTTP)).pick(prefills, exchange.facts());
      Worker decode = policies.policy(new PoolKey(model, WorkerType.DECODE, ConnectionMode.HTTP)).pick(decodes, exchange.facts());
      attempt++;
      Buffer body = Bootstrap.inject(exchange.facts(), prefill.host(), prefill.bootstrapPort());
      new Pair(this, prefill, decode, body).start();
    }

    /** A pair failed before anything reached the client: try another pair, or tell the client. */
    void failed(Worker culprit, OpenAiError error) {
      if (exchange.finished()) return;
      if (!retried(culprit, error.status())) exchange.fail(error);
    }

    /**
     * Remembers that {@code culprit} failed this request and, when {@code status} says another pair may do better
     * and attempts remain, schedules the next attempt and returns true.
     */
    boolean retried(Worker culprit, int status) {
      (culprit.type() == WorkerType.PREFILL ? failedPrefills : failedDecodes).add(culprit);
      if (!retry.retryableStatus(status) || attempt >= retry.maxAttempts() || !hasPair()) return false;
      log.debug("pair attempt {} of {} failed at {} with {}", attempt, exchange.requestId(), culprit.url(), status);
      metrics.retried(id().wireName());
      vertx.setTimer(retry.backoffMillis(attempt), t -> next());
      return true;
    }

    private boolean hasPair() {
      return !candidates(WorkerType.PREFILL).isEmpty() && !candidates(WorkerType.DECODE).isEmpty();
    }
  }

  /**
   * One dual dispatch. Both requests go out at once; the pair is judged when both answered (or failed): a prefill
   * failure wins (a decode failure in the same pair is usually its consequence: no KV transfer to pair with), then
   * a decode failure, else the decode answer is relayed. A prefill failure cancels the decode request at once —
   * without its prefill the decode worker could only wait for a KV transfer that never comes.
   */
  private final class Pair {
    private final Attempts attempts;
    private final Exchange exchange;
    private final Worker prefill;
    private final Worker decode;
    private final Buffer body;
    private final Worker.Lease prefillLease;
    private final Worker.Lease decodeLease;
    private HttpClientRequest prefillRequest;
    private HttpClientRequest decodeRequest;
    private boolean decodeCancelled;
    private boolean clientGone;
    /** A side's connection broke while its answer waited, paused, for the other side's head. */
    private Throwable prefillBroken;
    private Throwable decodeBroken;

    Pair(Attempts attempts, Worker prefill, Worker decode, Buffer body) {
      this.attempts = attempts;
      this.exchange = attempts.exchange;
      this.prefill = prefill;
      this.decode = decode;
      this.body = body;
      this.prefillLease = prefill.lease();
      this.decodeLease = decode.lease();
    }

    void start() {
      exchange.response().closeHandler(v -> clientLeft());
      Future<HttpClientResponse> p = call(prefill);
      Future<HttpClientResponse> d = call(decode);
      p.onComplete(ar -> {
        if (ar.failed() || !ok(ar.result())) cancelDecode();
      });
      Future.join(p, d).onComplete(v -> judge(p, d));
    }

    private Future<HttpClientResponse> call(Worker worker) {
      boolean isPrefill = worker == prefill;
      return upstream.open(worker, HttpMethod.POST, exchange.endpoint().path(), exchange).compose(request -> {
        if (isPrefill) prefillRequest = request; else decodeRequest = request;
        if (clientGone || (!isPrefill && decodeCancelled)) {
          request.reset();
          return Future.failedFuture("cancelled before sending");
        }
        return upstream.send(request, body).map(response -> {
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

    /** The client hung up: stop both workers' generation and give back their load. */
    private void clientLeft() {
      clientGone = true;
      if (prefillRequest != null) prefillRequest.reset();
      if (decodeRequest != null) decodeRequest.reset();
      release();
    }

    private void release() {
      prefillLease.release();
      decodeLease.release();
    }

    private void judge(Future<HttpClientResponse> p, Future<HttpClientResponse> d) {
      if (exchange.finished()) {
        clientLeft();
        return;
      }
      if (p.failed()) {
        if (d.succeeded()) d.result().resume();
        fail(prefill, UpstreamErrors.errorFor(prefill, p.cause()));
      } else if (!ok(p.result())) {
        if (d.succeeded()) d.result().resume();
        prefillRefused(p.result());
      } else if (d.succeeded() && !ok(d.result())) {
        p.result().resume();
        decodeRefused(d.result());
      } else if (d.failed()) {
        p.result().resume();
        fail(decode, UpstreamErrors.errorFor(decode, d.cause()));
      } else if (decodeBroken != null) {
        p.result().resume();
        fail(decode, OpenAiError.badGateway("decode worker " + decode.url() + " broke off its answer: " + decodeBroken.getMessage()));
      } else if (!attempts.mergeLogprobs) {
        p.result().resume(); // drained and dropped: the client gets the decode side's answer
        relayUntouched(d.result());
      } else if (exchange.facts().stream()) {
        HttpClientResponse decodeResponse = d.result();
        prefillBody(p.result()).onComplete(pb -> relayMerged(decodeResponse,
            PrefillLogprobs.from(pb.succeeded() ? pb.result() : Buffer.buffer())));
      } else {
        answerMerged(p.result(), d.result());
      }
    }

    private void fail(Worker culprit, OpenAiError error) {
      release();
      attempts.failed(culprit, error);
    }

    /** The decode worker answered an error: it is the client's answer unless another pair may do better. */
    private void decodeRefused(HttpClientResponse response) {
      if (attempts.retried(decode, response.statusCode())) {
        release();
        response.resume(); // drained and dropped
      } else {
        relayUntouched(response);
      }
    }

    /** The prefill worker answered an error: its status, with what it said. */
    private void prefillRefused(HttpClientResponse response) {
      int status = response.statusCode();
      whole(response).onComplete(b -> {
        String said = b.succeeded() ? b.result().toString(StandardCharsets.UTF_8) : "";
        if (said.length() > ERROR_BODY_LIMIT) said = said.substring(0, ERROR_BODY_LIMIT) + "…";
        fail(prefill, new OpenAiError(status, "prefill worker " + prefill.url() + " answered " + status
            + (said.isBlank() ? "" : ": " + said.strip()), "upstream_error", null, "prefill_error"));
      });
    }

    private void relayUntouched(HttpClientResponse response) {
      Relay.toClient(response, exchange).onComplete(done -> {
        release();
        if (done.failed()) brokeOff(done.cause());
      });
    }

    /** Non-streamed with logprobs: both bodies in full, the decode body with the prefill's logprobs in front. */
    private void answerMerged(HttpClientResponse prefillResponse, HttpClientResponse decodeResponse) {
      Future<Buffer> p = prefillBody(prefillResponse);
      Future<Buffer> d = whole(decodeResponse);
      Future.join(p, d).onComplete(v -> {
        if (exchange.finished()) {
          release();
          return;
        }
        if (d.failed()) {
          fail(decode, OpenAiError.badGateway("decode worker " + decode.url() + " broke off its answer: " + d.cause().getMessage()));
          return;
        }
        Buffer answer = p.succeeded() ? PrefillLogprobs.from(p.result()).mergeBody(d.result()) : d.result();
        HttpServerResponse out = head(decodeResponse);
        out.end(answer);
        release();
      });
    }

    /** Streamed with logprobs: decode's events in order, re-serialised only where logprobs are merged in. */
    private void relayMerged(HttpClientResponse response, PrefillLogprobs logprobs) {
      if (exchange.finished()) {
        clientLeft();
        return;
      }
      if (decodeBroken != null) { // broke while the prefill's answer was read: nothing reached the client yet
        fail(decode, OpenAiError.badGateway("decode worker " + decode.url() + " broke off its answer: " + decodeBroken.getMessage()));
        return;
      }
      if (logprobs.isEmpty()) {
        relayUntouched(response);
        return;
      }
      HttpServerResponse out = head(response).setChunked(true);
      SseEvents events = new SseEvents();
      response.handler(chunk -> {
        events.feed(chunk, event -> out.write(logprobs.mergeEvent(event)));
        if (out.writeQueueFull()) {
          response.pause();
          out.drainHandler(v -> response.resume());
        }
      });
      response.exceptionHandler(this::brokeOff);
      response.endHandler(v -> {
        Buffer rest = events.rest();
        if (rest.length() > 0) out.write(rest);
        out.end();
        release();
      });
      response.resume();
    }

    /** The prefill's whole answer, for its logprobs; failed at once if its connection already broke. */
    private Future<Buffer> prefillBody(HttpClientResponse response) {
      return prefillBroken != null ? Future.failedFuture(prefillBroken) : whole(response);
    }

    private HttpServerResponse head(HttpClientResponse from) {
      HttpServerResponse out = exchange.response();
      out.setStatusCode(from.statusCode());
      Headers.copyEndToEnd(from.headers(), out.headers());
      out.putHeader(Headers.REQUEST_ID, exchange.requestId());
      return out;
    }

    /** The decode stream broke after it started: an SSE error event and [DONE] (or a reset when not streaming). */
    private void brokeOff(Throwable cause) {
      release();
      if (exchange.finished()) return;
      exchange.fail(OpenAiError.badGateway("decode worker " + decode.url() + " broke off the response: " + cause.getMessage()));
    }
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
