package dev.switchboard.launcher;

import dev.switchboard.gateway.config.ConfigLoader;
import dev.switchboard.gateway.config.DeploymentConfig;
import dev.switchboard.gateway.router.RouterPlan;
import dev.switchboard.gateway.worker.WorkerSpec;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "plan", mixinStandardHelpOptions = true,
    description = "Print the routers a deployment file produces and the models each serves.")
final class PlanCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FILE", description = "deployment YAML")
  Path file;

  @Option(names = "--json", description = "print {\"routers\": {\"<router-id>\": [models...]}}")
  boolean json;

  @Override
  public Integer call() {
    DeploymentConfig config = ConfigLoader.load(file);
    RouterPlan plan = RouterPlan.of(config.workers());
    System.out.println(json ? plan.toJson() : Tables.plan(plan));
    if (!json) {
      config.workers().stream().filter(WorkerSpec::discoversModel).forEach(w ->
          System.out.println("(" + w.url() + " has no model in the file: it joins once its /v1/models answers)"));
    }
    return 0;
  }
}
