package dev.switchboard.gateway.router.grpc;

import dev.switchboard.gateway.exchange.Exchange;
import dev.switchboard.gateway.exchange.OpenAiError;
import dev.switchboard.gateway.grpc.GrpcWorkerClient;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.policy.Candidates;
import dev.switchboard.gateway.policy.PolicyRegistry;
import dev.switchboard.gateway.router.RetryRule;
import dev.switchboard.gateway.router.RouterId;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.WorkerRegistry;
import dev.switchboard.gateway.worker.WorkerSnapshot.PoolKey;
import dev.switchboard.gateway.worker.WorkerType;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Set;

/**
 * Router three: regular SGLang workers in {@code --grpc-mode}. The gateway owns the text: it renders and tokenizes
 * the prompt, lets the model's policy pick a worker on the rendered prompt, streams Generate, and turns token ids
 * back into OpenAI (or SGLang native) responses. Also serves {@code /v1/embeddings} over the Embed RPC.
 */
public final class GrpcRegularRouter extends GrpcRouterBase {
  private final EmbeddingFront embeddings;

  public GrpcRegularRouter(Vertx vertx, WorkerRegistry registry, PolicyRegistry policies, GrpcWorkerClient client,
      TokenizerRegistry tokenizers, RetryRule retry, GatewayMetrics metrics) {
    super(vertx, registry, policies, client, tokenizers, retry, metrics);
    this.embeddings = new EmbeddingFront(vertx, client, tokenizers, this::pickForEmbedding);
  }

  @Override
  public RouterId id() {
    return RouterId.GRPC_REGULAR;
  }

  @Override
  public boolean canServe(String model) {
    return anyAvailable(pool(model, WorkerType.REGULAR));
  }

  @Override
  public List<Worker> workers(String model) {
    return pool(model, WorkerType.REGULAR);
  }

  @Override
  protected void dispatch(Exchange exchange, Plan plan, OutputWriter writer) {
    String model = plan.model();
    new GenerateRun(vertx, exchange, plan, writer, client, retry, metrics, id().wireName(), tried -> {
      List<Worker> pool = pool(model, WorkerType.REGULAR);
      List<Worker> candidates = Candidates.eligible(pool, exchange.facts(), tried);
      if (candidates.isEmpty()) {
        return new Targets.NoneAvailable(OpenAiError.unavailable(tried.isEmpty()
            ? Candidates.unavailableReason(pool, exchange.facts(), model)
            : "every gRPC worker tried for model '" + model + "' failed (" + tried.size() + " attempts)"));
      }
      Worker w = policies.policy(new PoolKey(model, WorkerType.REGULAR, ConnectionMode.GRPC)).pick(candidates, exchange.facts());
      return new Targets.Chosen(w, null, plan.request());
    }).start();
  }

  private Worker pickForEmbedding(Exchange exchange, String model) {
    List<Worker> candidates = Candidates.eligible(pool(model, WorkerType.REGULAR), exchange.facts(), Set.of());
    if (candidates.isEmpty()) return null;
    return policies.policy(new PoolKey(model, WorkerType.REGULAR, ConnectionMode.GRPC)).pick(candidates, exchange.facts());
  }

  @Override
  protected void embed(Exchange exchange, String model) {
    embeddings.handle(exchange, model);
  }
}
