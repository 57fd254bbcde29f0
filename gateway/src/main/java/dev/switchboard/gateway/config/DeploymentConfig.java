package dev.switchboard.gateway.config;

import dev.switchboard.gateway.worker.WorkerSpec;
import java.util.List;
import java.util.Map;

/**
 * A whole deployment: gateway settings, per-model settings, the static workers, the fleet-management settings and
 * Kubernetes discovery ({@code null} when off). Immutable.
 */
public record DeploymentConfig(GatewaySettings gateway, Map<String, ModelSettings> models, List<WorkerSpec> workers,
    FleetSettings fleet, KubernetesDiscoverySettings kubernetes) {
  public DeploymentConfig {
    models = Map.copyOf(models);
    workers = List.copyOf(workers);
    if (fleet == null) fleet = FleetSettings.DEFAULTS;
  }

  public DeploymentConfig(GatewaySettings gateway, Map<String, ModelSettings> models, List<WorkerSpec> workers) {
    this(gateway, models, workers, FleetSettings.DEFAULTS, null);
  }

  public ModelSettings model(String name) {
    return models.getOrDefault(name, ModelSettings.NONE);
  }

  public DeploymentConfig withGateway(GatewaySettings g) {
    return new DeploymentConfig(g, models, workers, fleet, kubernetes);
  }

  public DeploymentConfig withFleet(FleetSettings f) {
    return new DeploymentConfig(gateway, models, workers, f, kubernetes);
  }

  public DeploymentConfig withKubernetes(KubernetesDiscoverySettings k) {
    return new DeploymentConfig(gateway, models, workers, fleet, k);
  }
}
