package dev.switchboard.gateway.worker;

import java.time.Duration;

/**
 * Active health checking: every {@code interval} each worker is probed with {@code timeout}; a healthy worker
 * turns unhealthy after {@code failureThreshold} consecutive failures, an unhealthy one healthy again after
 * {@code successThreshold} consecutive successes. A new worker's first probe decides its state directly.
 */
public record HealthSettings(Duration interval, Duration timeout, int failureThreshold, int successThreshold,
    String endpoint) {

  public static final HealthSettings DEFAULTS = new HealthSettings(Duration.ofSeconds(10), Duration.ofSeconds(5), 3, 2, "/health");

  public HealthSettings {
    if (interval.isNegative() || interval.isZero()) throw new IllegalArgumentException("interval must be > 0");
    if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be > 0");
    if (failureThreshold < 1) throw new IllegalArgumentException("failure_threshold must be >= 1");
    if (successThreshold < 1) throw new IllegalArgumentException("success_threshold must be >= 1");
  }
}
