package dev.switchboard.launcher;

import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.config.ConfigLoader;
import dev.switchboard.gateway.config.DeploymentConfig;
import dev.switchboard.gateway.config.GatewaySettings;
import dev.switchboard.gateway.config.ModelSettings;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.WorkerSpec;
import dev.switchboard.gateway.worker.WorkerType;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.SimControls;
import dev.switchboard.sim.SimRole;
import dev.switchboard.sim.SimWorker;
import dev.switchboard.sim.grpc.SimGrpcWorker;
import dev.switchboard.text.BundledTokenizers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The seed deployment (examples/seed-deployment.yaml, bundled) on loopback: simulated workers in place of its model
 * servers, a real gateway in front. What {@code switchboard demo} runs, and what the console's browser tests run.
 */
final class DemoDeployment implements AutoCloseable {
  /** One simulated worker: how the gateway lists it, and its fault switches. */
  record Sim(WorkerSpec spec, SimControls controls) {}

  /** The Qwen3 {@code <|im_end|>} id: the simulated gRPC worker's EOS. */
  private static final int QWEN3_IM_END = 151645;

  private final DeploymentConfig seed;
  private final Gateway gateway;
  private final List<Sim> sims;
  private final List<AutoCloseable> closeables;
  private final List<String> notSimulated;

  private DemoDeployment(DeploymentConfig seed, Gateway gateway, List<Sim> sims, List<AutoCloseable> closeables, List<String> notSimulated) {
    this.seed = seed;
    this.gateway = gateway;
    this.sims = sims;
    this.closeables = closeables;
    this.notSimulated = notSimulated;
  }

  /**
   * Starts the simulated workers and the gateway on 127.0.0.1.
   *
   * @param port the gateway's port (0: any free one)
   * @param adjust changes to the deployment the gateway gets (tests: faster health checks, an admin key)
   */
  static DemoDeployment start(int port, UnaryOperator<DeploymentConfig> adjust) throws IOException {
    DeploymentConfig seed = ConfigLoader.parse(seedYaml(), "seed-deployment.yaml");
    List<AutoCloseable> closeables = new ArrayList<>();
    List<Sim> sims = new ArrayList<>();
    List<String> notYet = new ArrayList<>();
    Map<String, ModelSettings> models = new HashMap<>(seed.models());
    Path tokenizer = BundledTokenizers.qwen3Dir(); // shipped inside the jar
    try {
      for (WorkerSpec w : seed.workers()) {
        if (w.connection() == ConnectionMode.GRPC) {
          if (w.type() != WorkerType.REGULAR) {
            notYet.add(w.model());
            continue;
          }
          // A simulated SGLang scheduler speaking gRPC; the gateway tokenizes with the same (Qwen3) tokenizer.
          SimGrpcWorker sim = SimGrpcWorker.start(SimConfig.of(w.model()).withTokenizerPath(tokenizer.toString())
              .withEosTokenIds(List.of(QWEN3_IM_END)).withTtft(Duration.ofMillis(30)).withTimePerToken(Duration.ofMillis(15))
              .withDefaultMaxTokens(24));
          closeables.add(sim);
          sims.add(new Sim(new WorkerSpec(sim.url(), w.model(), w.type(), w.connection(), null, w.priority(), w.cost(), w.apiKey(), w.labels()),
              sim.controls()));
          ModelSettings m = models.getOrDefault(w.model(), ModelSettings.NONE);
          models.put(w.model(), m.withTokenizer(tokenizer.toString()));
          continue;
        }
        SimRole role = switch (w.type()) {
          case REGULAR -> SimRole.REGULAR;
          case PREFILL -> SimRole.PREFILL;
          case DECODE -> SimRole.DECODE;
        };
        SimWorker sim = SimWorker.start(SimConfig.of(w.model()).withRole(role)
            .withTtft(Duration.ofMillis(30)).withTimePerToken(Duration.ofMillis(15)).withDefaultMaxTokens(24));
        closeables.add(sim);
        sims.add(new Sim(new WorkerSpec(sim.url(), w.model(), w.type(), w.connection(),
            role == SimRole.PREFILL ? Integer.valueOf(sim.bootstrapPort()) : null, w.priority(), w.cost(), w.apiKey(), w.labels()),
            sim.controls()));
      }
      GatewaySettings settings = seed.gateway().withHost("127.0.0.1").withPort(port);
      Gateway gateway = Gateway.start(adjust.apply(
          new DeploymentConfig(settings, models, sims.stream().map(Sim::spec).toList(), seed.fleet(), null)));
      return new DemoDeployment(seed, gateway, List.copyOf(sims), closeables, List.copyOf(notYet));
    } catch (RuntimeException e) {
      closeAll(closeables);
      throw e;
    }
  }

  DeploymentConfig seed() { return seed; }
  Gateway gateway() { return gateway; }
  List<Sim> sims() { return sims; }
  /** Models the seed plans on gRPC prefill/decode workers, which the demo does not simulate. */
  List<String> notSimulated() { return notSimulated; }

  @Override
  public void close() {
    gateway.close();
    closeAll(closeables);
  }

  private static void closeAll(List<AutoCloseable> list) {
    for (AutoCloseable c : list) {
      try {
        c.close();
      } catch (Exception ignored) {
        // closing the rest anyway
      }
    }
  }

  private static String seedYaml() throws IOException {
    try (InputStream in = DemoDeployment.class.getResourceAsStream("/seed-deployment.yaml")) {
      if (in == null) throw new IllegalStateException("seed-deployment.yaml is missing from the jar");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
