package dev.switchboard.gateway.router;

import dev.switchboard.gateway.router.pipeline.Failure;
import dev.switchboard.gateway.worker.AttemptReport.Cause;

/**
 * When a failed attempt is tried again on another target — the same rule for every router, HTTP and gRPC: only
 * before anything reached the client, only for failures that say "try elsewhere", at most {@code maxAttempts}
 * attempts, with exponential backoff. gRPC status codes are first mapped to HTTP statuses (one table, in
 * {@code router.grpc.GenerateErrors}), so one status rule serves both.
 */
public record RetryRule(int maxAttempts, long initialBackoffMillis) {
  private static final long MAX_BACKOFF_MS = 2_000;

  public RetryRule {
    if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1");
    if (initialBackoffMillis < 0) throw new IllegalArgumentException("backoff must be >= 0");
  }

  /**
   * Whether another worker might serve the request that failed this way: transport failures and deadlines (mapped
   * to 502 / 504) and the statuses 408, 429, 500, 502, 503, 504. A failure of the gateway itself ({@link Cause#NONE})
   * is never retried.
   */
  public boolean retryable(Failure failure) {
    return failure.cause() != Cause.NONE && retryableStatus(failure.status());
  }

  /** 408, 429, 500, 502, 503, 504: the worker could not serve this request now; another might. */
  public static boolean retryableStatus(int status) {
    return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
  }

  /** Whether attempt {@code attemptsSoFar + 1} is still allowed. */
  public boolean attemptsLeft(int attemptsSoFar) {
    return attemptsSoFar < maxAttempts;
  }

  /** Delay before attempt {@code attemptsSoFar + 1}: initial × 2^(n−1), capped at 2 s (0 stays 0). */
  public long backoffMillis(int attemptsSoFar) {
    long d = initialBackoffMillis << Math.min(Math.max(attemptsSoFar - 1, 0), 16);
    return Math.max(1, Math.min(d, MAX_BACKOFF_MS));
  }
}
