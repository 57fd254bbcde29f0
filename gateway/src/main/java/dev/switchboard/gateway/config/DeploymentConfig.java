package dev.switchboard.gateway.config;

import dev.switchboard.gateway.worker.WorkerSpec;
import java.util.List;
import java.util.Map;

/** A whole deployment: gateway settings, per-model settings and the static workers. Immutable. */
public record DeploymentConfig(GatewaySettings gateway, Map<String, ModelSettings> models, List<WorkerSpec> workers) {
  public DeploymentConfig {
    models = Map.copyOf(models);
    workers = List.copyOf(workers);
  }

  public ModelSettings model(String name) {
    return models.getOrDefault(name, ModelSettings.NONE);
  }

  public DeploymentConfig withGateway(GatewaySettings g) {
    return new DeploymentConfig(g, models, workers);
  }
}
