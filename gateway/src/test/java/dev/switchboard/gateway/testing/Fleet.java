package dev.switchboard.gateway.testing;

import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.config.DeploymentConfig;
import dev.switchboard.gateway.config.GatewaySettings;
import dev.switchboard.gateway.config.ModelSettings;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.HealthSettings;
import dev.switchboard.gateway.worker.WorkerSpec;
import dev.switchboard.gateway.worker.WorkerType;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.SimRole;
import dev.switchboard.sim.SimWorker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Simulated workers plus a gateway in front of them, on loopback, for tests that go over real sockets. Health
 * checks are fast (100 ms, thresholds of 1) so tests see state changes quickly without sleeping.
 */
public final class Fleet implements AutoCloseable {
  public static final HealthSettings FAST_HEALTH = new HealthSettings(Duration.ofMillis(100), Duration.ofSeconds(3), 1, 1, "/health");

  private final List<SimWorker> sims;
  private final Gateway gateway;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Fleet(List<SimWorker> sims, Gateway gateway) {
    this.sims = sims;
    this.gateway = gateway;
  }

  /** A declared simulated worker: its sim config and how the gateway should list it. */
  public record SimSpec(SimConfig sim, UnaryOperator<WorkerSpec> adjust) {
    public static SimSpec of(SimConfig sim) {
      return new SimSpec(sim, UnaryOperator.identity());
    }
  }

  public static Fleet start(SimConfig... sims) {
    List<SimSpec> specs = new ArrayList<>();
    for (SimConfig s : sims) specs.add(SimSpec.of(s));
    return start(specs, UnaryOperator.identity(), Map.of());
  }

  public static Fleet start(List<SimSpec> specs, UnaryOperator<GatewaySettings> settings, Map<String, ModelSettings> models) {
    List<SimWorker> started = new ArrayList<>();
    try {
      List<WorkerSpec> workers = new ArrayList<>();
      for (SimSpec s : specs) {
        SimWorker sim = SimWorker.start(s.sim());
        started.add(sim);
        WorkerType type = switch (s.sim().role()) {
          case REGULAR -> WorkerType.REGULAR;
          case PREFILL -> WorkerType.PREFILL;
          case DECODE -> WorkerType.DECODE;
        };
        workers.add(s.adjust().apply(WorkerSpec.of(sim.url(), s.sim().model(), type, ConnectionMode.HTTP)));
      }
      GatewaySettings g = settings.apply(GatewaySettings.DEFAULTS.withHost("127.0.0.1").withPort(0).withHealth(FAST_HEALTH));
      Gateway gateway = Gateway.start(new DeploymentConfig(g, models, workers));
      Fleet fleet = new Fleet(started, gateway);
      return fleet;
    } catch (RuntimeException e) {
      started.forEach(SimWorker::close);
      throw e;
    }
  }

  /** Waits until every served model is routable. */
  public Fleet awaitReady() {
    await().atMost(Duration.ofSeconds(20)).until(() -> gateway.routers().ready());
    return this;
  }

  public SimWorker sim(int i) { return sims.get(i); }
  public List<SimWorker> sims() { return sims; }
  public Gateway gateway() { return gateway; }
  public HttpClient http() { return http; }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + gateway.port() + path);
  }

  public HttpResponse<String> post(String path, String json, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
    if (headers.length > 0) b.headers(headers);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    gateway.close();
    sims.forEach(SimWorker::close);
  }

  /** A quick chat body. */
  public static String chat(String model, String text, boolean stream) {
    return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
  }

  public static SimConfig sim(String model) {
    return SimConfig.of(model).withRole(SimRole.REGULAR);
  }
}
