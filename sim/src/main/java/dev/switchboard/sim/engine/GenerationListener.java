package dev.switchboard.sim.engine;

/** Callbacks of one generation, always on the engine's context thread, in order. */
public interface GenerationListener {

  /** Prefill done (the first token follows in the same step); {@code cachedTokens} came from the KV cache. */
  default void onPrefilled(int cachedTokens) {
  }

  /**
   * Output token number {@code index} (0-based) with id {@code tokenId} has been produced. Return {@code false}
   * to finish with {@link FinishReason#STOP} after it.
   */
  boolean onToken(int index, int tokenId);

  /** Finished; called exactly once, also for cancellations. */
  void onFinish(FinishReason reason);
}
