package dev.switchboard.gateway.worker;

import java.time.Duration;

/**
 * A worker's circuit breaker ({@code circuit_breaker:}): it opens after {@code failureThreshold} worker faults
 * within {@code window}, stays open for {@code open}, then lets {@code halfOpenRequests} real requests probe it;
 * they all succeed → closed, one fails → open again. {@code failureThreshold} 0 disables the breaker.
 */
public record BreakerSettings(int failureThreshold, Duration window, Duration open, int halfOpenRequests) {
  /** 5 faults in 30 s: a stalled worker is out after 5 requests; an occasional 5xx never opens it. */
  public static final BreakerSettings DEFAULTS = new BreakerSettings(5, Duration.ofSeconds(30), Duration.ofSeconds(30), 1);

  public BreakerSettings {
    if (failureThreshold < 0) throw new IllegalArgumentException("failure_threshold must be >= 0");
    if (window.isNegative() || window.isZero()) throw new IllegalArgumentException("window_secs must be > 0");
    if (open.isNegative() || open.isZero()) throw new IllegalArgumentException("open_secs must be > 0");
    if (halfOpenRequests < 1) throw new IllegalArgumentException("half_open_requests must be >= 1");
  }

  public boolean enabled() { return failureThreshold > 0; }
}
