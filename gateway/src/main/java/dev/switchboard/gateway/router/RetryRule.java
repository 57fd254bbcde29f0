package dev.switchboard.gateway.router;

import dev.switchboard.gateway.config.RetrySettings;
import dev.switchboard.gateway.router.pipeline.Failure;
import dev.switchboard.gateway.worker.AttemptReport.Cause;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When a failed attempt is tried again on another target — the same rule for every router, HTTP and gRPC: only
 * before anything reached the client, only for failures that say "try elsewhere", at most {@code maxAttempts}
 * attempts, after an exponential backoff with full jitter (a random wait in [0, min(cap, initial × 2^(n−1))], so
 * retrying clients do not move in step). gRPC status codes are first mapped to HTTP statuses (one table, in
 * {@code router.grpc.GenerateErrors}), so one status rule serves both.
 */
public record RetryRule(int maxAttempts, long initialBackoffMillis, long maxBackoffMillis) {
  private static final long DEFAULT_MAX_BACKOFF_MS = 2_000;

  public RetryRule {
    if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1");
    if (initialBackoffMillis < 0) throw new IllegalArgumentException("backoff must be >= 0");
    if (maxBackoffMillis < initialBackoffMillis) throw new IllegalArgumentException("max backoff must be >= backoff");
  }

  public RetryRule(int maxAttempts, long initialBackoffMillis) {
    this(maxAttempts, initialBackoffMillis, Math.max(initialBackoffMillis, DEFAULT_MAX_BACKOFF_MS));
  }

  public static RetryRule of(RetrySettings s) {
    return new RetryRule(s.maxAttempts(), s.backoff().toMillis(), s.maxBackoff().toMillis());
  }

  /**
   * Whether another worker might serve the request that failed this way: transport failures and deadlines (mapped
   * to 502 / 504) and the statuses 408, 429, 500, 502, 503, 504. A failure of the gateway itself ({@link Cause#NONE})
   * is never retried.
   */
  public boolean retryable(Failure failure) {
    return failure.cause() != Cause.NONE && retryableStatus(failure.status());
  }

  /** Whether attempt {@code attemptsSoFar + 1} is still allowed. */
  public boolean attemptsLeft(int attemptsSoFar) {
    return attemptsSoFar < maxAttempts;
  }

  /** 408, 429, 500, 502, 503, 504: the worker could not serve this request now; another might. */
  public static boolean retryableStatus(int status) {
    return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
  }

  /** The ceiling of the wait before attempt {@code attemptsSoFar + 1}: initial × 2^(n−1), capped. */
  public long backoffCeilingMillis(int attemptsSoFar) {
    long d = initialBackoffMillis << Math.min(Math.max(attemptsSoFar - 1, 0), 16);
    return Math.min(d, maxBackoffMillis);
  }

  /** The wait before attempt {@code attemptsSoFar + 1}: full jitter, at least 1 ms (a timer of 0 is not a timer). */
  public long backoffMillis(int attemptsSoFar) {
    long ceiling = backoffCeilingMillis(attemptsSoFar);
    return Math.max(1, ceiling == 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling + 1));
  }

  /**
   * The wait before the next attempt when the worker said {@code Retry-After} (in ms, or -1 for none): the
   * jittered backoff, but not shorter than what the worker asked; -1 when the worker asked for more than
   * {@code maxBackoffMillis}, in which case the answer (and its Retry-After) should go to the client instead.
   */
  public long backoffMillis(int attemptsSoFar, long retryAfterMillis) {
    long jittered = backoffMillis(attemptsSoFar);
    if (retryAfterMillis < 0) return jittered;
    if (retryAfterMillis > maxBackoffMillis) return -1;
    return Math.max(jittered, retryAfterMillis);
  }

  /** A {@code Retry-After} value in ms: delta-seconds or an HTTP date; -1 when absent or unreadable. */
  public static long retryAfterMillis(String header) {
    if (header == null || header.isBlank()) return -1;
    String v = header.strip();
    try {
      long secs = Long.parseLong(v);
      return secs < 0 ? -1 : Math.min(secs, Duration.ofDays(1).toSeconds()) * 1000;
    } catch (NumberFormatException notSeconds) {
      try {
        long ms = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli() - System.currentTimeMillis();
        return Math.max(0, ms);
      } catch (DateTimeParseException notADate) {
        return -1;
      }
    }
  }
}
