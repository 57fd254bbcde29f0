package dev.switchboard.gateway.config;

import dev.switchboard.gateway.policy.PolicySpec;
import dev.switchboard.gateway.worker.BreakerSettings;
import dev.switchboard.gateway.worker.HealthSettings;
import java.time.Duration;

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
 */
public record GatewaySettings(String host, int port, PolicySpec policy, Timeouts timeouts, long maxPayloadBytes,
    String apiKey, HealthSettings health, RetrySettings retry, BreakerSettings circuitBreaker,
    AdmissionSettings admission, Duration drainTimeout, FrontSettings front) {

  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);

  public static final GatewaySettings DEFAULTS = new GatewaySettings("0.0.0.0", 30000, PolicySpec.ROUND_ROBIN,
      Timeouts.DEFAULTS, 64L << 20, null, HealthSettings.DEFAULTS, RetrySettings.DEFAULTS,
      BreakerSettings.DEFAULTS, AdmissionSettings.DEFAULTS, DEFAULT_DRAIN_TIMEOUT, FrontSettings.DEFAULTS);

  public int maxAttempts() { return retry.maxAttempts(); }
  public Duration retryBackoff() { return retry.backoff(); }

  public GatewaySettings withHost(String h) {
    return new GatewaySettings(h, port, policy, timeouts, maxPayloadBytes, apiKey, health, retry, circuitBreaker, admission, drainTimeout, front);
  }

  public GatewaySettings withPort(int p) {
    return new GatewaySettings(host, p, policy, timeouts, maxPayloadBytes, apiKey, health, retry, circuitBreaker, admission, drainTimeout, front);
  }

  public GatewaySettings withPolicy(PolicySpec p) {
    return new GatewaySettings(host, port, p, timeouts, maxPayloadBytes, apiKey, health, retry, circuitBreaker, admission, drainTimeout, front);
  }

  public GatewaySettings withApiKey(String k) {
    return new GatewaySettings(host, port, policy, timeouts, maxPayloadBytes, k, health, retry, circuitBreaker, admission, drainTimeout, front);
  }

  public GatewaySettings withHealth(HealthSettings h) {
    return new GatewaySettings(host, port, policy, timeouts, maxPayloadBytes, apiKey, h, retry, circuitBreaker, admission, drainTimeout, front);
  }

  public GatewaySettings withTimeouts(Timeouts t) {
    return new GatewaySettings(host, port, policy, t, maxPayloadBytes, apiKey, health, retry, circuitBreaker, admission, drainTimeout, front);
  }

  public GatewaySettings withMaxPayloadBytes(long b) {
    return new GatewaySettings(host, port, policy, timeouts, b, apiKey, health, retry, circuitBreaker, admission, drainTimeout, front);
  }

  public GatewaySettings withMaxAttempts(int n) {
    return withRetry(new RetrySettings(n, retry.backoff(), retry.maxBackoff(), retry.budgetRatio()));
  }

  public GatewaySettings withRetry(RetrySettings r) {
    return new GatewaySettings(host, port, policy, timeouts, maxPayloadBytes, apiKey, health, r, circuitBreaker, admission, drainTimeout, front);
  }

  public GatewaySettings withCircuitBreaker(BreakerSettings b) {
    return new GatewaySettings(host, port, policy, timeouts, maxPayloadBytes, apiKey, health, retry, b, admission, drainTimeout, front);
  }

  public GatewaySettings withAdmission(AdmissionSettings a) {
    return new GatewaySettings(host, port, policy, timeouts, maxPayloadBytes, apiKey, health, retry, circuitBreaker, a, drainTimeout, front);
  }

  public GatewaySettings withDrainTimeout(Duration d) {
    return new GatewaySettings(host, port, policy, timeouts, maxPayloadBytes, apiKey, health, retry, circuitBreaker, admission, d, front);
  }

  public GatewaySettings withFront(FrontSettings f) {
    return new GatewaySettings(host, port, policy, timeouts, maxPayloadBytes, apiKey, health, retry, circuitBreaker, admission, drainTimeout, f);
  }

  /** {@code apiKey} is a secret: keep it out of logs. */
  @Override
  public String toString() {
    return "GatewaySettings[" + host + ":" + port + " policy=" + policy.name() + "]";
  }
}
