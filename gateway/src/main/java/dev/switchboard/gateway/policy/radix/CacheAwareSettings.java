package dev.switchboard.gateway.policy.radix;

/**
 * Parameters of the cache-aware policies, with the reference gateway's command-line defaults.
 *
 * @param cacheThreshold a worker counts as holding a request's prefix when more than this fraction of the text
 *     matches (0 to 1)
 * @param balanceAbsThreshold with {@code balanceRelThreshold}: a worker is overloaded when its load exceeds the
 *     least-loaded candidate's by more than this many requests...
 * @param balanceRelThreshold ...and is more than this many times it (at least 1)
 * @param evictionIntervalSecs how often the tree is trimmed to {@code maxTreeSize}
 * @param maxTreeSize characters each worker may hold in the tree before its oldest leaves are evicted
 */
public record CacheAwareSettings(double cacheThreshold, long balanceAbsThreshold, double balanceRelThreshold,
    long evictionIntervalSecs, long maxTreeSize) {
  public static final CacheAwareSettings DEFAULTS = new CacheAwareSettings(0.3, 64, 1.5, 120, 1L << 26);

  /** The reference's imbalance test: {@code (high - low) > abs && high > low * rel}. */
  public boolean imbalanced(long high, long low) {
    return high - low > balanceAbsThreshold && high > low * balanceRelThreshold;
  }
}
