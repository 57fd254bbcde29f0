package dev.switchboard.gateway.config;

import dev.switchboard.gateway.worker.BreakerSettings;
import dev.switchboard.gateway.worker.WorkerSpec;
import java.time.Duration;
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

  /** The retry settings of a model's requests: its own, else the gateway's. */
  public RetrySettings retry(String model) {
    RetrySettings r = model == null ? null : model(model).retry();
    return r != null ? r : gateway.retry();
  }

  /** The breaker settings of a model's workers: its own, else the gateway's. */
  public BreakerSettings circuitBreaker(String model) {
    BreakerSettings b = model == null ? null : model(model).circuitBreaker();
    return b != null ? b : gateway.circuitBreaker();
  }

  /** How long a model's requests may run on during a drain: its own, else the gateway's. */
  public Duration drainTimeout(String model) {
    Duration d = model == null ? null : model(model).drainTimeout();
    return d != null ? d : gateway.drainTimeout();
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
