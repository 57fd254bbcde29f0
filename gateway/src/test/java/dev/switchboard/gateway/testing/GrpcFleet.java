package dev.switchboard.gateway.testing;

import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.config.DeploymentConfig;
import dev.switchboard.gateway.config.GatewaySettings;
import dev.switchboard.gateway.config.ModelSettings;
import dev.switchboard.text.BundledTokenizers;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.WorkerSpec;
import dev.switchboard.gateway.worker.WorkerType;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.SimRole;
import dev.switchboard.sim.grpc.SimGrpcWorker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Simulated gRPC scheduler workers (Qwen3 tokenizer, EOS {@code <|im_end|>}) plus a gateway in front of them, all on
 * loopback. Extra workers (e.g. a scripted scheduler) can be listed by URL.
 */
public final class GrpcFleet implements AutoCloseable {
  public static final int IM_END = 151645;

  private final List<SimGrpcWorker> sims;
  private final Gateway gateway;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private GrpcFleet(List<SimGrpcWorker> sims, Gateway gateway) {
    this.sims = sims;
    this.gateway = gateway;
  }

  public static SimConfig sim(String model, SimRole role) {
    return SimConfig.of(model).withRole(role).withTokenizerPath(BundledTokenizers.qwen3Dir().toString())
        .withEosTokenIds(List.of(IM_END));
  }

  public static String tokenizer() {
    return BundledTokenizers.qwen3Dir().toString();
  }

  /** Starts the sims; every model gets the Qwen3 tokenizer unless {@code models} says otherwise. */
  public static GrpcFleet start(List<SimConfig> configs, List<WorkerSpec> extra, Map<String, ModelSettings> models) {
    List<SimGrpcWorker> started = new ArrayList<>();
    try {
      List<WorkerSpec> workers = new ArrayList<>(extra);
      Map<String, ModelSettings> allModels = new java.util.HashMap<>(models);
      for (SimConfig c : configs) {
        SimGrpcWorker sim = SimGrpcWorker.start(c);
        started.add(sim);
        WorkerType type = switch (c.role()) {
          case REGULAR -> WorkerType.REGULAR;
          case PREFILL -> WorkerType.PREFILL;
          case DECODE -> WorkerType.DECODE;
        };
        WorkerSpec spec = WorkerSpec.of(sim.url(), c.model(), type, ConnectionMode.GRPC);
        if (c.role() == SimRole.PREFILL) spec = spec.withBootstrapPort(sim.bootstrapPort());
        workers.add(spec);
        allModels.putIfAbsent(c.model(), ModelSettings.NONE.withTokenizer(tokenizer()));
      }
      for (WorkerSpec w : extra) allModels.putIfAbsent(w.model(), ModelSettings.NONE.withTokenizer(tokenizer()));
      GatewaySettings g = GatewaySettings.DEFAULTS.withHost("127.0.0.1").withPort(0).withHealth(Fleet.FAST_HEALTH);
      return new GrpcFleet(started, Gateway.start(new DeploymentConfig(g, allModels, workers)));
    } catch (RuntimeException e) {
      started.forEach(SimGrpcWorker::close);
      throw e;
    }
  }

  public static GrpcFleet start(SimConfig... configs) {
    return start(List.of(configs), List.of(), Map.of());
  }

  public GrpcFleet awaitReady() {
    await().atMost(Duration.ofSeconds(15)).until(() -> gateway.routers().ready());
    return this;
  }

  public SimGrpcWorker sim(int i) { return sims.get(i); }
  public Gateway gateway() { return gateway; }
  public HttpClient http() { return http; }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + gateway.port() + path);
  }

  public HttpResponse<String> post(String path, String json) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
    return http.send(r, HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    gateway.close();
    sims.forEach(SimGrpcWorker::close);
  }
}
