package dev.switchboard.gateway.policy.radix;

/** Told, for each pick a cache-aware policy makes from a tree match, how much of the request's text matched. */
@FunctionalInterface
public interface CacheObserver {
  CacheObserver NONE = (share, hit) -> {};

  /**
   * @param matchedShare matched characters of the chosen worker's prefix over the request's text length (0..1)
   * @param hit whether the match decided the pick (over {@code cache_threshold}), rather than load or tree size
   */
  void picked(double matchedShare, boolean hit);
}
