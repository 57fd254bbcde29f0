package dev.switchboard.gateway.router.http;

import dev.switchboard.gateway.router.InferenceRouter;
import dev.switchboard.gateway.router.RetryRule;
import dev.switchboard.gateway.router.RouterId;
import dev.switchboard.gateway.exchange.Exchange;
import dev.switchboard.gateway.exchange.OpenAiError;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.policy.Candidates;
import dev.switchboard.gateway.policy.PolicyRegistry;
import dev.switchboard.gateway.http.HttpWorkerClient;
import dev.switchboard.gateway.http.Relay;
import dev.switchboard.gateway.http.UpstreamErrors;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.WorkerRegistry;
import dev.switchboard.gateway.worker.WorkerSnapshot.PoolKey;
import dev.switchboard.gateway.worker.WorkerType;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Router one: regular HTTP workers (SGLang, vLLM, llama.cpp, any OpenAI-compatible server). Forwards the client's
 * body bytes unchanged to one worker chosen by the model's policy and relays the answer as it comes. While nothing
 * has reached the client, a failed attempt (unreachable worker or a retryable status) is retried on another worker.
 */
public final class HttpRegularRouter implements InferenceRouter {
  private static final Logger log = LoggerFactory.getLogger(HttpRegularRouter.class);

  private final Vertx vertx;
  private final WorkerRegistry registry;
  private final PolicyRegistry policies;
  private final HttpWorkerClient upstream;
  private final RetryRule retry;
  private final GatewayMetrics metrics;

  public HttpRegularRouter(Vertx vertx, WorkerRegistry registry, PolicyRegistry policies, HttpWorkerClient upstream,
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
    return RouterId.HTTP_REGULAR;
  }

  private List<Worker> pool(String model) {
    return registry.snapshot().pool(model, WorkerType.REGULAR, ConnectionMode.HTTP);
  }

  @Override
  public boolean canServe(String model) {
    for (Worker w : pool(model)) {
      if (w.isAvailable()) return true;
    }
    return false;
  }

  @Override
  public List<Worker> workers(String model) {
    return pool(model);
  }

  @Override
  public void route(Exchange exchange, String model) {
    new Attempts(exchange, model).next();
  }

  /** The attempts of one request; each picks a worker not yet tried. */
  private final class Attempts {
    private final Exchange exchange;
    private final String model;
    private final Set<Worker> tried = new HashSet<>(2);
    private int attempt;

    Attempts(Exchange exchange, String model) {
      this.exchange = exchange;
      this.model = model;
    }

    void next() {
      if (exchange.finished()) return;
      List<Worker> candidates = Candidates.eligible(pool(model), exchange.facts(), tried);
      if (candidates.isEmpty()) {
        exchange.fail(OpenAiError.unavailable(tried.isEmpty()
            ? Candidates.unavailableReason(pool(model), exchange.facts(), model)
            : "every worker tried for model '" + model + "' failed (" + tried.size() + " attempts)"));
        return;
      }
      Worker worker = policies.policy(new PoolKey(model, WorkerType.REGULAR, ConnectionMode.HTTP)).pick(candidates, exchange.facts());
      tried.add(worker);
      attempt++;
      Worker.Lease lease = worker.lease();
      upstream.open(worker, HttpMethod.POST, exchange.endpoint().path(), exchange)
          .onSuccess(request -> send(worker, request, lease))
          .onFailure(err -> failed(worker, lease, UpstreamErrors.errorFor(worker, err)));
    }

    private void send(Worker worker, HttpClientRequest request, Worker.Lease lease) {
      exchange.response().closeHandler(v -> {
        request.reset(); // the client left: stop the worker's generation too
        lease.release();
      });
      upstream.send(request, exchange.body())
          .onSuccess(response -> answered(worker, response, lease))
          .onFailure(err -> failed(worker, lease, UpstreamErrors.errorFor(worker, err)));
    }

    private void answered(Worker worker, HttpClientResponse response, Worker.Lease lease) {
      if (retry.retryableStatus(response.statusCode()) && attempt < retry.maxAttempts() && hasOtherCandidate()) {
        log.debug("worker {} answered {} for {}; retrying elsewhere", worker.url(), response.statusCode(), exchange.requestId());
        response.resume(); // drain and drop; the connection returns to the pool
        lease.release();
        retryLater();
        return;
      }
      Relay.toClient(response, exchange).onComplete(done -> {
        lease.release();
        if (done.failed() && !exchange.finished()) {
          exchange.fail(OpenAiError.badGateway("worker " + worker.url() + " broke off the response: " + done.cause().getMessage()));
        }
      });
    }

    private void failed(Worker worker, Worker.Lease lease, OpenAiError error) {
      lease.release();
      if (exchange.finished()) return;
      if (attempt < retry.maxAttempts() && hasOtherCandidate()) {
        log.debug("attempt {} of {} on {} failed: {}", attempt, exchange.requestId(), worker.url(), error.message());
        retryLater();
      } else {
        exchange.fail(error);
      }
    }

    private void retryLater() {
      metrics.retried(id().wireName());
      vertx.setTimer(retry.backoffMillis(attempt), t -> next());
    }

    private boolean hasOtherCandidate() {
      return !Candidates.eligible(pool(model), exchange.facts(), tried).isEmpty();
    }
  }
}
