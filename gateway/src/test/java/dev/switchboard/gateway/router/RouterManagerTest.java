package dev.switchboard.gateway.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.exchange.Exchange;
import dev.switchboard.gateway.exchange.Endpoint;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.WorkerRegistry;
import dev.switchboard.gateway.worker.WorkerSpec;
import dev.switchboard.gateway.worker.WorkerType;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The selection rules of the seed document, on the real registry and manager. The routers here answer
 * {@code canServe} from the live health of their pools, as the real ones do; what they would do with a request
 * is tested over sockets elsewhere.
 */
class RouterManagerTest {
  private final WorkerRegistry registry = new WorkerRegistry();
  private final Map<RouterId, Integer> created = new EnumMap<>(RouterId.class);
  private RouterManager manager;

  /** A router whose availability is its pool's health, like the real ones. */
  private record PoolRouter(RouterId id, WorkerRegistry registry) implements InferenceRouter {
    @Override public void route(Exchange exchange, String model) { throw new UnsupportedOperationException(); }

    @Override
    public boolean canServe(String model) {
      var s = registry.snapshot();
      if (!id.isPd()) return s.pool(model, WorkerType.REGULAR, id.connection()).stream().anyMatch(Worker::isAvailable);
      return s.pool(model, WorkerType.PREFILL, id.connection()).stream().anyMatch(Worker::isAvailable)
          && s.pool(model, WorkerType.DECODE, id.connection()).stream().anyMatch(Worker::isAvailable);
    }

  }

  @BeforeEach
  void setUp() {
    manager = new RouterManager(registry, id -> {
      created.merge(id, 1, Integer::sum);
      return Optional.of(new PoolRouter(id, registry));
    });
  }

  private Worker add(String url, String model, WorkerType type) {
    ConnectionMode c = url.startsWith("grpc") ? ConnectionMode.GRPC : ConnectionMode.HTTP;
    Worker w = registry.add(WorkerSpec.of(url, model, type, c));
    registry.setHealthy(w, true);
    return w;
  }

  private RouterId routed(String model, ConnectionMode c, boolean preferPd) {
    Selection s = manager.select(model, c, preferPd, Endpoint.CHAT);
    assertThat(s).isInstanceOf(Selection.Routed.class);
    return ((Selection.Routed) s).router().id();
  }

  @Test
  void seedDeploymentGivesThreeRoutersAndPrefersPd() {
    add("http://w1:8080", "llama", WorkerType.REGULAR);
    add("http://w2:8080", "llama", WorkerType.PREFILL);
    add("http://w3:8080", "llama", WorkerType.DECODE);
    add("grpc://w4:50051", "mistral", WorkerType.REGULAR);
    add("http://w5:8080", "qwen", WorkerType.REGULAR);

    assertThat(manager.routers().keySet()).containsExactly(RouterId.HTTP_REGULAR, RouterId.HTTP_PD, RouterId.GRPC_REGULAR);
    assertThat(routed("llama", null, true)).isEqualTo(RouterId.HTTP_PD);
    assertThat(routed("llama", null, false)).isEqualTo(RouterId.HTTP_REGULAR);
    assertThat(routed("qwen", null, true)).isEqualTo(RouterId.HTTP_REGULAR);
    assertThat(routed("mistral", null, true)).isEqualTo(RouterId.GRPC_REGULAR);
    assertThat(manager.servedModels()).containsExactly("llama", "mistral", "qwen");
  }

  @Test
  void preferPdFalseStillUsesPdWhenTheModelHasNoRegularWorkers() {
    add("http://p:1", "m", WorkerType.PREFILL);
    add("http://d:1", "m", WorkerType.DECODE);
    assertThat(routed("m", null, false)).isEqualTo(RouterId.HTTP_PD);
  }

  @Test
  void pdFallsBackToRegularWhenThePairIsBroken() {
    add("http://r:1", "m", WorkerType.REGULAR);
    add("http://p:1", "m", WorkerType.PREFILL);
    Worker decode = add("http://d:1", "m", WorkerType.DECODE);
    assertThat(routed("m", null, true)).isEqualTo(RouterId.HTTP_PD);

    registry.setHealthy(decode, false);
    assertThat(routed("m", null, true)).isEqualTo(RouterId.HTTP_REGULAR);

    registry.setHealthy(decode, true);
    registry.remove("http://d:1");
    assertThat(routed("m", null, true)).isEqualTo(RouterId.HTTP_REGULAR);
    assertThat(manager.routers()).doesNotContainKey(RouterId.HTTP_PD);
  }

  @Test
  void connectionPreferenceWinsAndFallsBackToTheOtherConnection() {
    add("http://h:1", "m", WorkerType.REGULAR);
    Worker g = add("grpc://g:1", "m", WorkerType.REGULAR);
    assertThat(routed("m", null, true)).isEqualTo(RouterId.HTTP_REGULAR);
    assertThat(routed("m", ConnectionMode.GRPC, true)).isEqualTo(RouterId.GRPC_REGULAR);
    assertThat(routed("m", ConnectionMode.HTTP, true)).isEqualTo(RouterId.HTTP_REGULAR);
    registry.setHealthy(g, false);
    assertThat(routed("m", ConnectionMode.GRPC, true)).isEqualTo(RouterId.HTTP_REGULAR);
  }

  @Test
  void unknownModelMissingModelAndNoHealthyWorker() {
    assertThat(manager.select(null, null, true, Endpoint.CHAT)).isInstanceOf(Selection.NoModels.class);
    Worker a = add("http://a:1", "a", WorkerType.REGULAR);
    assertThat(routed(null, null, true)).isEqualTo(RouterId.HTTP_REGULAR); // one model: implied
    add("http://b:1", "b", WorkerType.REGULAR);

    assertThat(manager.select(null, null, true, Endpoint.CHAT)).isInstanceOf(Selection.ModelRequired.class);
    Selection unknown = manager.select("zzz", null, true, Endpoint.CHAT);
    assertThat(unknown).isInstanceOf(Selection.UnknownModel.class);
    assertThat(((Selection.Refused) unknown).error().status()).isEqualTo(404);
    assertThat(((Selection.Refused) unknown).error().message()).contains("[a, b]");

    registry.setHealthy(a, false);
    Selection none = manager.select("a", null, true, Endpoint.CHAT);
    assertThat(none).isInstanceOf(Selection.NoHealthyWorker.class);
    assertThat(((Selection.Refused) none).error().status()).isEqualTo(503);
  }

  @Test
  void routersComeAndGoWithWorkersAndAreNeverRecreatedNeedlessly() {
    add("http://a:1", "a", WorkerType.REGULAR);
    InferenceRouter first = manager.routers().get(RouterId.HTTP_REGULAR);
    add("http://b:1", "b", WorkerType.REGULAR);
    assertThat(manager.routers().get(RouterId.HTTP_REGULAR)).isSameAs(first);
    registry.remove("http://a:1");
    registry.remove("http://b:1");
    assertThat(manager.routers()).isEmpty();
    assertThat(created.get(RouterId.HTTP_REGULAR)).isEqualTo(1);
    assertThat(manager.ready()).isFalse();
  }

  @Test
  void unimplementedRouterKindIsPlannedButNotServed() {
    RouterManager limited = new RouterManager(new WorkerRegistry(), id -> Optional.empty());
    assertThat(limited.select("x", null, true, Endpoint.CHAT)).isInstanceOf(Selection.UnknownModel.class);
    WorkerRegistry r = new WorkerRegistry();
    RouterManager httpOnly = new RouterManager(r, id -> id.connection() == ConnectionMode.HTTP
        ? Optional.of(new PoolRouter(id, r)) : Optional.empty());
    r.add(WorkerSpec.of("grpc://g:1", "m", WorkerType.REGULAR, ConnectionMode.GRPC));
    Selection s = httpOnly.select("m", null, true, Endpoint.CHAT);
    assertThat(s).isInstanceOf(Selection.NotYetServed.class);
    assertThat(((Selection.Refused) s).error().status()).isEqualTo(501);
    assertThat(httpOnly.plan().models(RouterId.GRPC_REGULAR)).containsExactly("m");
  }
}
