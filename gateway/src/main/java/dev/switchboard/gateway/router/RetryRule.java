package dev.switchboard.gateway.router;

/**
 * When a failed attempt is tried again on another worker: only before anything reached the client, only for
 * statuses that say "try elsewhere", at most {@code maxAttempts} attempts, with exponential backoff.
 */
public record RetryRule(int maxAttempts, long initialBackoffMillis) {
  private static final long MAX_BACKOFF_MS = 2_000;

  public RetryRule {
    if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1");
    if (initialBackoffMillis < 0) throw new IllegalArgumentException("backoff must be >= 0");
  }

  /** 408, 429, 500, 502, 503, 504: the worker could not serve this request now; another might. */
  public boolean retryableStatus(int status) {
    return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
  }

  /** Delay before attempt {@code attemptsSoFar + 1}: initial × 2^(n−1), capped at 2 s (0 stays 0). */
  public long backoffMillis(int attemptsSoFar) {
    long d = initialBackoffMillis << Math.min(Math.max(attemptsSoFar - 1, 0), 16);
    return Math.max(1, Math.min(d, MAX_BACKOFF_MS));
  }
}
