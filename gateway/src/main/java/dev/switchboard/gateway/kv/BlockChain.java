package dev.switchboard.gateway.kv;

/**
 * The gateway's own block keys: a chained hash of token ids, block by block, so a key names a whole prefix. The
 * index keys the blocks it learns from events this way (from the token ids they carry, since the engines' hashes are
 * seeded and cannot be recomputed), and a request's prompt ids are cut and hashed the same way to match them.
 * A LoRA adapter seeds the chain, so its blocks never match the base model's.
 */
public final class BlockChain {
  private static final long ROOT = 0x2545F4914F6CDD1DL;

  private BlockChain() {}

  /** The key before any block, for an adapter ({@code null}: the base model). */
  public static long root(Integer loraId) {
    return loraId == null ? ROOT : mix(ROOT ^ (0x9E3779B97F4A7C15L * (loraId + 1L)));
  }

  /** The key of the block {@code tokens[from, from + blockSize)} following the block keyed {@code parent}. */
  public static long next(long parent, int[] tokens, int from, int blockSize) {
    long h = parent;
    for (int i = from; i < from + blockSize; i++) h = mix(h * 0x100000001b3L + tokens[i]);
    return h;
  }

  /** The keys of every full block of {@code tokens} (a partial last block is never cached). */
  public static long[] keys(int[] tokens, int blockSize, Integer loraId) {
    int n = tokens.length / blockSize;
    long[] keys = new long[n];
    long h = root(loraId);
    for (int b = 0; b < n; b++) {
      h = next(h, tokens, b * blockSize, blockSize);
      keys[b] = h;
    }
    return keys;
  }

  /** SplitMix64's finaliser. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
