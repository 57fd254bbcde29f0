package dev.switchboard.gateway.config;

import dev.switchboard.gateway.policy.PolicySpec;
import dev.switchboard.gateway.worker.BreakerSettings;
import dev.switchboard.gateway.worker.HealthSettings;
import java.time.Duration;
import java.util.List;

/**
 * The {@code gateway:} section: where to listen and how to treat requests and workers.
 *
 * @param timeouts the deadlines of every attempt ({@code gateway.timeouts}); models may override them
 * @param maxPayloadBytes larger request bodies are refused with 413
 * @param apiKey clients must present it as {@code Authorization: Bearer}; {@code null} = open
 * @param retry attempts per request across workers (while nothing has been sent to the client yet), backoff, budget
 * @param circuitBreaker each worker's breaker (models may override it for their workers)
 * @param admission the gateway-wide concurrency limit and queue
 * @param drainTimeout how long in-flight requests may run on after a drain starts (SIGTERM, {@code POST /drain})
 * @param front client-side protections: header/body read timeouts, keep-alive idle timeout, connection limit
 * @param apiKeys client keys ({@code api_keys}): each names a tenant with its limits and priority
 * @param accessLog whether one JSON line per request goes to the {@code switchboard.access} logger
 */
public record GatewaySettings(String host, int port, PolicySpec policy, Timeouts timeouts, long maxPayloadBytes,
    String apiKey, HealthSettings health, RetrySettings retry, BreakerSettings circuitBreaker,
    AdmissionSettings admission, Duration drainTimeout, FrontSettings front, List<ClientKey> apiKeys,
    boolean accessLog) {

  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);

  public static final GatewaySettings DEFAULTS = new GatewaySettings("0.0.0.0", 30000, PolicySpec.ROUND_ROBIN,
      Timeouts.DEFAULTS, 64L << 20, null, HealthSettings.DEFAULTS, RetrySettings.DEFAULTS,
      BreakerSettings.DEFAULTS, AdmissionSettings.DEFAULTS, DEFAULT_DRAIN_TIMEOUT, FrontSettings.DEFAULTS, List.of(), false);

  public int maxAttempts() { return retry.maxAttempts(); }
  public Duration retryBackoff() { return retry.backoff(); }

  public GatewaySettings withHost(String v) {
    return new GatewaySettings(v, port, policy, timeouts, maxPayloadBytes, apiKey, health, retry, circuitBreaker, admission, drainTimeout, front, apiKeys, accessLog);
  }
  public GatewaySettings withPort(int v) {
    return new GatewaySettings(host, v, policy, timeouts, maxPayloadBytes, apiKey, health, retry, circuitBreaker, admission, drainTimeout, front, apiKeys, accessLog);
  }
  public GatewaySettings withPolicy(PolicySpec v) {
    return new GatewaySettings(host, port, v, timeouts, maxPayloadBytes, apiKey, health, retry, circuitBreaker, admission, drainTimeout, front, apiKeys, accessLog);
  }
  public GatewaySettings withApiKeys(List<ClientKey> v) {
    return new GatewaySettings(host, port, policy, timeouts, maxPayloadBytes, apiKey, health, retry, circuitBreaker, admission, drainTimeout, front, List.copyOf(v), accessLog);
  }
  public GatewaySettings withAccessLog(boolean v) {
    return new GatewaySettings(host, port, policy, timeouts, maxPayloadBytes, apiKey, health, retry, circuitBreaker, admission, drainTimeout, front, apiKeys, v);
  }
  public GatewaySettings withApiKey(String v) {
    return new GatewaySettings(host, port, policy, timeouts, maxPayloadBytes, v, health, retry, circuitBreaker, admission, drainTimeout, front, apiKeys, accessLog);
  }
  public GatewaySettings withHealth(HealthSettings v) {
    return new GatewaySettings(host, port, policy, timeouts, maxPayloadBytes, apiKey, v, retry, circuitBreaker, admission, drainTimeout, front, apiKeys, accessLog);
  }
  public GatewaySettings withTimeouts(Timeouts v) {
    return new GatewaySettings(host, port, policy, v, maxPayloadBytes, apiKey, health, retry, circuitBreaker, admission, drainTimeout, front, apiKeys, accessLog);
  }
  public GatewaySettings withMaxPayloadBytes(long v) {
    return new GatewaySettings(host, port, policy, timeouts, v, apiKey, health, retry, circuitBreaker, admission, drainTimeout, front, apiKeys, accessLog);
  }
  public GatewaySettings withRetry(RetrySettings v) {
    return new GatewaySettings(host, port, policy, timeouts, maxPayloadBytes, apiKey, health, v, circuitBreaker, admission, drainTimeout, front, apiKeys, accessLog);
  }
  public GatewaySettings withCircuitBreaker(BreakerSettings v) {
    return new GatewaySettings(host, port, policy, timeouts, maxPayloadBytes, apiKey, health, retry, v, admission, drainTimeout, front, apiKeys, accessLog);
  }
  public GatewaySettings withAdmission(AdmissionSettings v) {
    return new GatewaySettings(host, port, policy, timeouts, maxPayloadBytes, apiKey, health, retry, circuitBreaker, v, drainTimeout, front, apiKeys, accessLog);
  }
  public GatewaySettings withDrainTimeout(Duration v) {
    return new GatewaySettings(host, port, policy, timeouts, maxPayloadBytes, apiKey, health, retry, circuitBreaker, admission, v, front, apiKeys, accessLog);
  }
  public GatewaySettings withFront(FrontSettings v) {
    return new GatewaySettings(host, port, policy, timeouts, maxPayloadBytes, apiKey, health, retry, circuitBreaker, admission, drainTimeout, v, apiKeys, accessLog);
  }

  public GatewaySettings withMaxAttempts(int n) {
    return withRetry(new RetrySettings(n, retry.backoff(), retry.maxBackoff(), retry.budgetRatio()));
  }

  /** {@code apiKey} is a secret: keep it out of logs. */
  @Override
  public String toString() {
    return "GatewaySettings[" + host + ":" + port + " policy=" + policy.name() + "]";
  }
}
