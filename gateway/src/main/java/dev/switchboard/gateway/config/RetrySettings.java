package dev.switchboard.gateway.config;

import java.time.Duration;

/**
 * {@code retry:}: at most {@code maxAttempts} attempts per request, waiting a full-jitter exponential backoff
 * (start {@code backoff}, cap {@code maxBackoff}) between them; retries fleet-wide stay under {@code budgetRatio}
 * of recent requests (plus a small floor), so a failing fleet is not hit with a multiple of its load.
 */
public record RetrySettings(int maxAttempts, Duration backoff, Duration maxBackoff, double budgetRatio) {
  public static final RetrySettings DEFAULTS = new RetrySettings(3, Duration.ofMillis(50), Duration.ofMillis(2000), 0.2);

  public RetrySettings {
    if (maxAttempts < 1) throw new IllegalArgumentException("max_attempts must be >= 1");
    if (backoff.isNegative()) throw new IllegalArgumentException("backoff_ms must be >= 0");
    if (maxBackoff.compareTo(backoff) < 0) throw new IllegalArgumentException("max_backoff_ms must be >= backoff_ms");
    if (!(budgetRatio >= 0.0 && budgetRatio <= 1.0)) throw new IllegalArgumentException("budget_ratio must be in [0, 1]");
  }
}
