package dev.switchboard.launcher;

import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.config.ConfigLoader;
import dev.switchboard.gateway.config.DeploymentConfig;
import dev.switchboard.gateway.config.GatewaySettings;
import dev.switchboard.gateway.config.ModelSettings;
import dev.switchboard.gateway.router.RouterId;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.WorkerSpec;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.SimRole;
import dev.switchboard.sim.SimWorker;
import dev.switchboard.sim.grpc.SimGrpcWorker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.switchboard.text.BundledTokenizers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The embedded default: the architecture document's example deployment on loopback, with simulated workers in
 * place of the five model servers, behind a real gateway.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run the seed deployment (examples/seed-deployment.yaml) with simulated workers on loopback.")
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--port", defaultValue = "30000", description = "gateway port (default ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--exit-when-ready", hidden = true, description = "start, print, and exit (for tests)")
  boolean exitWhenReady;

  @Override
  public Integer call() throws Exception {
    DeploymentConfig seed = ConfigLoader.parse(seedYaml(), "seed-deployment.yaml");
    List<AutoCloseable> sims = new ArrayList<>();
    List<WorkerSpec> workers = new ArrayList<>();
    List<String> notYet = new ArrayList<>();
    Map<String, ModelSettings> models = new HashMap<>(seed.models());
    Path tokenizer = BundledTokenizers.qwen3Dir(); // shipped inside the jar
    try {
      for (WorkerSpec w : seed.workers()) {
        if (w.connection() == ConnectionMode.GRPC) {
          if (w.type() != dev.switchboard.gateway.worker.WorkerType.REGULAR) {
            notYet.add(w.model());
            continue;
          }
          // A simulated SGLang scheduler speaking gRPC; the gateway tokenizes with the same (Qwen3) tokenizer.
          SimGrpcWorker sim = SimGrpcWorker.start(SimConfig.of(w.model()).withTokenizerPath(tokenizer.toString())
              .withEosTokenIds(List.of(QWEN3_IM_END)).withTtft(Duration.ofMillis(30)).withTimePerToken(Duration.ofMillis(15))
              .withDefaultMaxTokens(24));
          sims.add(sim);
          workers.add(new WorkerSpec(sim.url(), w.model(), w.type(), w.connection(), null, w.priority(), w.cost(), w.apiKey(), w.labels()));
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
        sims.add(sim);
        WorkerSpec local = new WorkerSpec(sim.url(), w.model(), w.type(), w.connection(),
            role == SimRole.PREFILL ? Integer.valueOf(sim.bootstrapPort()) : null, w.priority(), w.cost(), w.apiKey(), w.labels());
        workers.add(local);
      }
      GatewaySettings settings = seed.gateway().withHost("127.0.0.1").withPort(port);
      try (Gateway gateway = Gateway.start(new DeploymentConfig(settings, models, workers))) {
        awaitReady(gateway);
        System.out.println(banner(gateway, seed, notYet));
        if (exitWhenReady) return 0;
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "switchboard-demo-stop"));
        stop.await();
        System.out.println("switchboard demo: stopping");
      }
      return 0;
    } finally {
      for (AutoCloseable sim : sims) sim.close();
    }
  }

  /** The Qwen3 {@code <|im_end|>} id: the simulated gRPC worker's EOS. */
  private static final int QWEN3_IM_END = 151645;

  private static String seedYaml() throws IOException {
    try (InputStream in = DemoCommand.class.getResourceAsStream("/seed-deployment.yaml")) {
      if (in == null) throw new IllegalStateException("seed-deployment.yaml is missing from the jar");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void awaitReady(Gateway gateway) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!gateway.routers().ready()) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("the demo's workers did not become healthy in 30 s");
      Thread.sleep(20);
    }
  }

  private static String banner(Gateway gateway, DeploymentConfig seed, List<String> notYet) {
    String base = "http://127.0.0.1:" + gateway.port();
    StringBuilder sb = new StringBuilder();
    sb.append("switchboard demo — the seed deployment, simulated workers on loopback\n\n");
    sb.append("Planned routers (from the seed's workers):\n");
    sb.append(Tables.plan(dev.switchboard.gateway.router.RouterPlan.of(seed.workers()))).append("\n\n");
    sb.append("Serving now: ");
    sb.append(String.join(", ", gateway.routers().routers().keySet().stream().map(RouterId::wireName).toList()));
    sb.append("  models: ").append(gateway.routers().servedModels()).append('\n');
    for (String model : notYet) {
      sb.append("Note: '").append(model).append("' is planned on gRPC prefill/decode workers, which the demo does not simulate, so it is not served.\n");
    }
    sb.append("\nTry:\n");
    sb.append("  curl -s ").append(base).append("/v1/chat/completions -H 'content-type: application/json' \\\n")
        .append("    -d '{\"model\":\"qwen-2.5\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}'\n\n");
    sb.append("  curl -sN ").append(base).append("/v1/chat/completions -H 'content-type: application/json' \\\n")
        .append("    -d '{\"model\":\"llama-3.1-8b\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a story\"}]}'\n\n");
    sb.append("  curl -s ").append(base).append("/v1/chat/completions -H 'content-type: application/json' \\\n")
        .append("    -d '{\"model\":\"mistral-7b\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello over gRPC!\"}]}'\n\n");
    sb.append("  curl -s ").append(base).append("/generate -H 'content-type: application/json' \\\n")
        .append("    -d '{\"model\":\"llama-3.1-8b\",\"text\":\"The capital of France is\",\"sampling_params\":{\"max_new_tokens\":8}}'\n\n");
    sb.append("Status: ").append(base).append("/routers  ").append(base).append("/readiness  ").append(base).append("/metrics\n");
    sb.append("Ctrl-C stops the demo.");
    return sb.toString();
  }
}
