package dev.switchboard.gateway.kv;

/** One KV-cache event of a worker, decoded from either engine's dialect. Block hashes are the engine's own. */
public sealed interface KvEvent {
  /** Device memory: vLLM's {@code "GPU"}, or no medium given (SGLang, older vLLM). */
  String DEVICE = "GPU";

  /**
   * Blocks that entered the cache: {@code hashes[i]}'s parent is {@code hashes[i - 1]}, the first one's is
   * {@code parentHash} (when {@code hasParent}); {@code tokens} holds {@code hashes.length * blockSize} ids.
   */
  record BlockStored(long[] hashes, boolean hasParent, long parentHash, int[] tokens, int blockSize, Integer loraId,
      String medium) implements KvEvent {}

  record BlockRemoved(long[] hashes, String medium) implements KvEvent {}

  record AllBlocksCleared() implements KvEvent {}

  /** The medium as the index keeps it apart: {@code null} and {@code "GPU"} are both device memory. */
  static String mediumOf(String medium) {
    return medium == null || medium.equalsIgnoreCase(DEVICE) ? DEVICE : medium.toUpperCase(java.util.Locale.ROOT);
  }
}
