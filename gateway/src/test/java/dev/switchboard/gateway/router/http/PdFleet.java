package dev.switchboard.gateway.router.http;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.config.DeploymentConfig;
import dev.switchboard.gateway.config.GatewaySettings;
import dev.switchboard.gateway.exchange.RequestFacts;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.HealthSettings;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.WorkerSpec;
import dev.switchboard.gateway.worker.WorkerType;
import dev.switchboard.sim.RecordedRequest;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.SimRole;
import dev.switchboard.sim.SimWorker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Test helpers: simulated PD workers, a gateway in front of them, and an HTTP client. */
final class PdFleet {
  static final String MODEL = "pd-model";
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private PdFleet() {}

  static SimWorker prefill() {
    return SimWorker.start(SimConfig.of(MODEL).withRole(SimRole.PREFILL).withNoLatency());
  }

  /**
   * A decode sim that waits up to 15 s for its prefill to have seen a room: on a loaded 2-core machine 200 pairs
   * at once can take longer than the default 2 s, and a timed-out pair would be retried (correctly) as a new pair.
   */
  static SimWorker decode() {
    return SimWorker.start(SimConfig.of(MODEL).withRole(SimRole.DECODE).withNoLatency()
        .withBootstrapTimeout(Duration.ofSeconds(15)));
  }

  static SimWorker regular(String model) {
    return SimWorker.start(SimConfig.of(model).withNoLatency());
  }

  /** The bootstrap port the gateway is told for a prefill sim (null when the sim runs none). */
  static Integer bootstrapPort(SimWorker prefill) {
    return prefill.bootstrapPort() > 0 ? prefill.bootstrapPort() : null;
  }

  static WorkerSpec spec(SimWorker sim) {
    WorkerType type = switch (sim.config().role()) {
      case PREFILL -> WorkerType.PREFILL;
      case DECODE -> WorkerType.DECODE;
      case REGULAR -> WorkerType.REGULAR;
    };
    WorkerSpec spec = WorkerSpec.of(sim.url(), sim.config().model(), type, ConnectionMode.HTTP);
    return type == WorkerType.PREFILL ? spec.withBootstrapPort(bootstrapPort(sim)) : spec;
  }

  /** A gateway over {@code sims}, returned once every worker is healthy. */
  static Gateway gateway(Duration healthInterval, int maxAttempts, SimWorker... sims) {
    List<WorkerSpec> specs = new ArrayList<>();
    for (SimWorker s : sims) specs.add(spec(s));
    GatewaySettings g = GatewaySettings.DEFAULTS.withHost("127.0.0.1").withPort(0).withMaxAttempts(maxAttempts)
        // Three failed probes of 5 s before a worker is out: a probe slowed by a burst of test load must not be one.
        .withHealth(new HealthSettings(healthInterval, Duration.ofSeconds(5), 3, 1, "/health"));
    Gateway gateway = Gateway.start(new DeploymentConfig(g, Map.of(), specs));
    await().atMost(Duration.ofSeconds(10))
        .until(() -> gateway.registry().snapshot().all().stream().allMatch(Worker::isHealthy));
    return gateway;
  }

  static HttpResponse<String> post(Gateway g, String path, String body, String... headers) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(request(g, path, body), (name, value) -> true);
      if (headers.length > 0) b.headers(headers);
      return HTTP.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("no complete answer from the gateway for " + path, e);
    }
  }

  static HttpRequest request(Gateway g, String path, String body) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + path))
        .header("content-type", "application/json")
        .timeout(Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  static JsonNode json(String s) {
    try {
      return RequestFacts.JSON.readTree(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The inference requests a sim received on {@code path} (health probes left out). */
  static List<RecordedRequest> inference(SimWorker sim, String path) {
    return sim.received().stream().filter(r -> r.path().equals(path)).toList();
  }
}
