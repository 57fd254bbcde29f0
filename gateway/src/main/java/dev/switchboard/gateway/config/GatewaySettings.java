package dev.switchboard.gateway.config;

import dev.switchboard.gateway.policy.PolicySpec;
import dev.switchboard.gateway.worker.HealthSettings;
import java.time.Duration;
import java.util.List;

/**
 * The {@code gateway:} section: where to listen and how to treat requests and workers.
 *
 * @param timeouts the deadlines of every attempt ({@code gateway.timeouts}); models may override them
 * @param maxPayloadBytes larger request bodies are refused with 413
 * @param apiKey clients must present it as {@code Authorization: Bearer}; {@code null} = open
 * @param maxAttempts attempts per request across workers, while nothing has been sent to the client yet
 * @param apiKeys client keys ({@code api_keys}): each names a tenant with its limits and priority
 * @param accessLog whether one JSON line per request goes to the {@code switchboard.access} logger
 */
public record GatewaySettings(String host, int port, PolicySpec policy, Timeouts timeouts, long maxPayloadBytes, String apiKey, HealthSettings health, int maxAttempts,
    Duration retryBackoff, List<ClientKey> apiKeys, boolean accessLog) {

  public static final GatewaySettings DEFAULTS = new GatewaySettings("0.0.0.0", 30000, PolicySpec.ROUND_ROBIN,
      Timeouts.DEFAULTS, 64L << 20, null, HealthSettings.DEFAULTS, 3,
      Duration.ofMillis(50), List.of(), false);

  public GatewaySettings withHost(String h) {
    return new GatewaySettings(h, port, policy, timeouts, maxPayloadBytes, apiKey, health, maxAttempts, retryBackoff, apiKeys, accessLog);
  }

  public GatewaySettings withPort(int p) {
    return new GatewaySettings(host, p, policy, timeouts, maxPayloadBytes, apiKey, health, maxAttempts, retryBackoff, apiKeys, accessLog);
  }

  public GatewaySettings withPolicy(PolicySpec p) {
    return new GatewaySettings(host, port, p, timeouts, maxPayloadBytes, apiKey, health, maxAttempts, retryBackoff, apiKeys, accessLog);
  }

  public GatewaySettings withApiKeys(List<ClientKey> keys) {
    return new GatewaySettings(host, port, policy, timeouts, maxPayloadBytes, apiKey, health, maxAttempts, retryBackoff, List.copyOf(keys), accessLog);
  }

  public GatewaySettings withAccessLog(boolean on) {
    return new GatewaySettings(host, port, policy, timeouts, maxPayloadBytes, apiKey, health, maxAttempts, retryBackoff, apiKeys, on);
  }

  public GatewaySettings withApiKey(String k) {
    return new GatewaySettings(host, port, policy, timeouts, maxPayloadBytes, k, health, maxAttempts, retryBackoff, apiKeys, accessLog);
  }

  public GatewaySettings withHealth(HealthSettings h) {
    return new GatewaySettings(host, port, policy, timeouts, maxPayloadBytes, apiKey, h, maxAttempts, retryBackoff, apiKeys, accessLog);
  }

  public GatewaySettings withTimeouts(Timeouts t) {
    return new GatewaySettings(host, port, policy, t, maxPayloadBytes, apiKey, health, maxAttempts, retryBackoff, apiKeys, accessLog);
  }

  public GatewaySettings withMaxPayloadBytes(long b) {
    return new GatewaySettings(host, port, policy, timeouts, b, apiKey, health, maxAttempts, retryBackoff, apiKeys, accessLog);
  }

  public GatewaySettings withMaxAttempts(int n) {
    return new GatewaySettings(host, port, policy, timeouts, maxPayloadBytes, apiKey, health, n, retryBackoff, apiKeys, accessLog);
  }

  /** {@code apiKey} is a secret: keep it out of logs. */
  @Override
  public String toString() {
    return "GatewaySettings[" + host + ":" + port + " policy=" + policy.name() + "]";
  }
}
