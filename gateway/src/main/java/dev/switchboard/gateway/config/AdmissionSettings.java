package dev.switchboard.gateway.config;

import java.time.Duration;

/**
 * {@code admission:}: at most {@code maxConcurrent} requests at the workers (0 = unlimited); the next
 * {@code queueSize} wait in a FIFO (higher priority first) for at most {@code queueTimeout}.
 */
public record AdmissionSettings(int maxConcurrent, int queueSize, Duration queueTimeout) {
  public static final AdmissionSettings DEFAULTS = new AdmissionSettings(0, 1024, Duration.ofSeconds(60));

  public AdmissionSettings {
    if (maxConcurrent < 0) throw new IllegalArgumentException("max_concurrent must be >= 0");
    if (queueSize < 0) throw new IllegalArgumentException("queue_size must be >= 0");
    if (queueTimeout.isNegative() || queueTimeout.isZero()) throw new IllegalArgumentException("queue_timeout_secs must be > 0");
  }

  public boolean limited() { return maxConcurrent > 0; }
}
