package dev.switchboard.launcher;

import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.config.DeploymentConfig;
import dev.switchboard.gateway.router.RouterId;
import java.time.Duration;
import java.util.List;
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
    try (DemoDeployment demo = DemoDeployment.start(port, s -> s)) {
      Gateway gateway = demo.gateway();
      awaitReady(gateway);
      System.out.println(banner(gateway, demo.seed(), demo.notSimulated()));
      if (exitWhenReady) return 0;
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "switchboard-demo-stop"));
      stop.await();
      System.out.println("switchboard demo: stopping");
    }
    return 0;
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
    sb.append("Console: ").append(base).append("/console  (live routers, models, workers; drain, remove, add)\n");
    sb.append("Status: ").append(base).append("/routers  ").append(base).append("/readiness  ").append(base).append("/metrics\n");
    sb.append("Ctrl-C stops the demo.");
    return sb.toString();
  }
}
