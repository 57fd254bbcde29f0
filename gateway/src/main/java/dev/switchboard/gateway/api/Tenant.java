package dev.switchboard.gateway.api;

import dev.switchboard.gateway.config.ClientKey;
import dev.switchboard.gateway.exchange.OpenAiError;

/**
 * Who a request is for: the name of the client key it presented (the tenant in metrics and logs), its default
 * priority, and its per-minute limits. The routing context holds the request's tenant under {@link #CONTEXT_KEY}.
 */
public final class Tenant {
  /** The routing-context key of the request's {@link Tenant}; set before the body is read. */
  public static final String CONTEXT_KEY = "switchboard.tenant";
  /** The tenant of every request when the gateway has no keys. */
  public static final String ANONYMOUS = "anonymous";
  /** The tenant label of requests whose key was missing or wrong. */
  public static final String UNAUTHENTICATED = "unauthenticated";
  /** The tenant of the single {@code gateway.api_key}. */
  public static final String DEFAULT = "default";

  private final String name;
  private final int priority;
  private final RateLimit requests;
  private final RateLimit tokens;

  Tenant(String name, int priority, long rpm, long tpm, long nowNanos) {
    this.name = name;
    this.priority = priority;
    this.requests = rpm > 0 ? new RateLimit(rpm, nowNanos) : null;
    this.tokens = tpm > 0 ? new RateLimit(tpm, nowNanos) : null;
  }

  static Tenant of(ClientKey key, long nowNanos) {
    return new Tenant(key.name(), key.priority(), key.rpm(), key.tpm(), nowNanos);
  }

  static Tenant unlimited(String name) {
    return new Tenant(name, 0, 0, 0, 0);
  }

  public String name() { return name; }

  /** The default priority of this tenant's requests (its key's {@code priority}). */
  public int priority() { return priority; }

  /** A refusal: which limit ({@code rpm} or {@code tpm}), the {@code Retry-After} seconds, the error to send. */
  record Refusal(String limit, long retryAfterSeconds, OpenAiError error) {}

  /** Admits one request now (counting it against {@code rpm}), or says why not. */
  Refusal admit(long nowNanos) {
    if (tokens != null) {
      long wait = tokens.waitForAny(nowNanos);
      if (wait > 0) return refusal("tpm", "tokens", tokens.perMinute() + " tokens per minute", wait);
    }
    if (requests != null) {
      long wait = requests.tryTake(1, nowNanos);
      if (wait > 0) return refusal("rpm", "requests", requests.perMinute() + " requests per minute", wait);
    }
    return null;
  }

  /** Counts the tokens a finished request used against {@code tpm}. */
  void used(long tokensUsed, long nowNanos) {
    if (tokens != null && tokensUsed > 0) tokens.charge(tokensUsed, nowNanos);
  }

  private Refusal refusal(String limit, String type, String what, long waitNanos) {
    long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
    String message = "rate limit of " + what + " reached for key '" + name + "'; retry in " + seconds + " s";
    return new Refusal(limit, seconds, new OpenAiError(429, message, type, null, "rate_limit_exceeded"));
  }
}
