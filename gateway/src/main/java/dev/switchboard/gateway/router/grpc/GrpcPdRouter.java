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
import dev.switchboard.protocol.scheduler.DisaggregatedParams;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Router four: SGLang prefill/decode pairs in {@code --grpc-mode}. The same front as {@link GrpcRegularRouter};
 * per attempt the prefill and the decode worker are picked by their own pools' policies, the request gets
 * DisaggregatedParams (prefill host, its bootstrap port or 8998, a random room) and is sent unchanged to both; the
 * client gets the decode stream, with the prefill's input logprobs merged in when asked for.
 */
public final class GrpcPdRouter extends GrpcRouterBase {
  /** SGLang's default disaggregation bootstrap port, used when a prefill worker declares none. */
  static final int DEFAULT_BOOTSTRAP_PORT = 8998;

  public GrpcPdRouter(Vertx vertx, WorkerRegistry registry, PolicyRegistry policies, GrpcWorkerClient client,
      TokenizerRegistry tokenizers, RetryRule retry, GatewayMetrics metrics) {
    super(vertx, registry, policies, client, tokenizers, retry, metrics);
  }

  @Override
  public RouterId id() {
    return RouterId.GRPC_PD;
  }

  @Override
  public boolean canServe(String model) {
    return anyAvailable(pool(model, WorkerType.PREFILL)) && anyAvailable(pool(model, WorkerType.DECODE));
  }

  @Override
  public List<Worker> workers(String model) {
    List<Worker> all = new ArrayList<>(pool(model, WorkerType.PREFILL));
    all.addAll(pool(model, WorkerType.DECODE));
    return all;
  }

  /** A room for the proto's int32 {@code bootstrap_room}: uniform in [0, 2^31 − 1). */
  static int randomRoom() {
    return ThreadLocalRandom.current().nextInt(Integer.MAX_VALUE);
  }

  static DisaggregatedParams bootstrap(Worker prefill) {
    Integer port = prefill.bootstrapPort();
    String host = prefill.host();
    if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
    return DisaggregatedParams.newBuilder()
        .setBootstrapHost(host)
        .setBootstrapPort(port != null ? port : DEFAULT_BOOTSTRAP_PORT)
        .setBootstrapRoom(randomRoom())
        .build();
  }

  @Override
  protected void dispatch(Exchange exchange, Plan plan, OutputWriter writer) {
    String model = plan.model();
    Set<Worker> failedPrefills = new HashSet<>(2);
    Set<Worker> failedDecodes = new HashSet<>(2);
    new GenerateRun(vertx, exchange, plan, writer, client, retry, metrics, id().wireName(), tried -> {
      for (Worker w : tried) (w.type() == WorkerType.PREFILL ? failedPrefills : failedDecodes).add(w);
      List<Worker> prefills = Candidates.eligible(pool(model, WorkerType.PREFILL), exchange.facts(), failedPrefills);
      List<Worker> decodes = Candidates.eligible(pool(model, WorkerType.DECODE), exchange.facts(), failedDecodes);
      if (prefills.isEmpty() || decodes.isEmpty()) {
        return new Targets.NoneAvailable(OpenAiError.unavailable(tried.isEmpty()
            ? "No available PD worker pairs for model: " + model
            : "every gRPC prefill/decode pair tried for model '" + model + "' failed"));
      }
      Worker prefill = policies.policy(new PoolKey(model, WorkerType.PREFILL, ConnectionMode.GRPC)).pick(prefills, exchange.facts());
      Worker decode = policies.policy(new PoolKey(model, WorkerType.DECODE, ConnectionMode.GRPC)).pick(decodes, exchange.facts());
      return new Targets.Chosen(decode, prefill, plan.request().toBuilder().setDisaggregatedParams(bootstrap(prefill)).build());
    }).start();
  }
}
