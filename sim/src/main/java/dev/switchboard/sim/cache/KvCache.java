package dev.switchboard.sim.cache;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A prefix cache of token blocks, like a paged KV cache with prefix sharing: a sequence's full blocks form a chain
 * keyed by the hash of all tokens up to and including the block, so two sequences share exactly their common
 * full-block prefix. Blocks used by running requests are pinned ({@link Lease}); unpinned leaf blocks are evicted
 * least-recently-used first when space is needed.
 *
 * <p>Not thread-safe: confine an instance to one thread (the worker's engine context).
 */
public final class KvCache {

  private static final long ROOT_KEY = 0x5bd1e995L;

  private final int blockSize;
  private final int capacityBlocks;
  private final Map<Long, Block> blocks = new HashMap<>();
  private final TreeSet<Block> evictable = new TreeSet<>((a, b) -> a.lastUse != b.lastUse
      ? Long.compare(a.lastUse, b.lastUse) : Long.compare(a.serial, b.serial));
  private int pinnedBlocks;
  private long tick;
  private long serials;
  private Listener listener = Listener.NONE;

  /**
   * Told of every block that enters or leaves the cache (the engine's KV events), on the cache's thread. A block's
   * key is the chained hash of its tokens; {@code parentKey} is 0 for a sequence's first block.
   */
  public interface Listener {
    Listener NONE = new Listener() {
      @Override public void stored(long key, long parentKey, int[] tokens) {}
      @Override public void removed(long key) {}
      @Override public void cleared() {}
    };

    void stored(long key, long parentKey, int[] tokens);

    void removed(long key);

    /** The cache became empty at once (a flush). */
    void cleared();
  }

  public KvCache(int capacityTokens, int blockSize) {
    if (blockSize < 1) {
      throw new IllegalArgumentException("blockSize must be >= 1");
    }
    this.blockSize = blockSize;
    this.capacityBlocks = Math.max(0, capacityTokens / blockSize);
  }

  /**
   * Matches the longest cached prefix of {@code tokens} (never the whole sequence: the last token is always
   * computed), pins it, and inserts the sequence's remaining full blocks as far as space allows.
   */
  public Lease acquire(int[] tokens) {
    Lease lease = new Lease();
    int matchableBlocks = tokens.length == 0 ? 0 : (tokens.length - 1) / blockSize;
    boolean matching = true;
    int matched = 0;
    extendInto(lease, tokens, 0, tokens.length / blockSize);
    for (int i = 0; i < lease.blocks.size() && matching; i++) {
      if (lease.found[i] && i < matchableBlocks) {
        matched++;
      } else {
        matching = false;
      }
    }
    lease.cachedTokens = matched * blockSize;
    lease.found = null;
    return lease;
  }

  /**
   * How many leading tokens of {@code tokens} {@link #acquire} would find cached right now; changes nothing
   * (neither recency nor contents).
   */
  public int peekCachedTokens(int[] tokens) {
    int matchable = tokens.length == 0 ? 0 : (tokens.length - 1) / blockSize;
    Block parent = null;
    long key = ROOT_KEY;
    int matched = 0;
    for (int b = 0; b < matchable; b++) {
      key = chain(key, tokens, b * blockSize);
      Block block = blocks.get(key);
      if (block == null || block.parent != parent || !block.matches(tokens, b * blockSize)) {
        break;
      }
      matched++;
      parent = block;
    }
    return matched * blockSize;
  }

  /** Inserts and pins the full blocks of {@code sequence} beyond those the lease already holds (e.g. output). */
  public void extend(Lease lease, int[] sequence) {
    if (lease.released || lease.truncated) {
      return;
    }
    extendInto(lease, sequence, lease.blocks.size(), sequence.length / blockSize);
    lease.found = null;
  }

  /** Unpins the lease's blocks; they stay cached until evicted. */
  public void release(Lease lease) {
    if (lease.released) {
      return;
    }
    lease.released = true;
    long now = ++tick;
    for (int i = lease.blocks.size() - 1; i >= 0; i--) {
      Block block = lease.blocks.get(i);
      block.lastUse = now;
      block.refCount--;
      if (block.refCount == 0) {
        pinnedBlocks--;
      }
      if (block.isEvictable()) {
        evictable.add(block);
      }
    }
  }

  /** Drops every unpinned block (SGLang's /flush_cache). Pinned blocks stay until released. */
  public void clear() {
    Listener told = listener;
    List<Long> removed = new ArrayList<>();
    listener = new Listener() {
      @Override public void stored(long key, long parentKey, int[] tokens) {}
      @Override public void removed(long key) { removed.add(key); }
      @Override public void cleared() {}
    };
    try {
      while (!evictable.isEmpty()) {
        evictOne();
      }
    } finally {
      listener = told;
    }
    if (blocks.isEmpty()) {
      told.cleared();
    } else {
      removed.forEach(told::removed);
    }
  }

  /** Sets who hears of stored and removed blocks (one listener; {@link Listener#NONE} for none). */
  public void listener(Listener l) {
    listener = l == null ? Listener.NONE : l;
  }

  public int usedTokens() {
    return blocks.size() * blockSize;
  }

  public int capacityTokens() {
    return capacityBlocks * blockSize;
  }

  public int blockSize() {
    return blockSize;
  }

  /** Tokens in blocks currently pinned by at least one lease. */
  public int pinnedTokens() {
    return pinnedBlocks * blockSize;
  }

  /**
   * Whether {@link #acquire} could hold all full blocks of {@code tokens} right now: the blocks it would add fit
   * in the capacity not pinned by running requests (every unpinned block can be evicted, leaves first).
   */
  public boolean fits(int[] tokens) {
    int full = tokens.length / blockSize;
    int present = 0;
    Block parent = null;
    long key = ROOT_KEY;
    for (int b = 0; b < full; b++) {
      key = chain(key, tokens, b * blockSize);
      Block block = blocks.get(key);
      if (block == null || block.parent != parent || !block.matches(tokens, b * blockSize)) {
        break;
      }
      if (block.refCount == 0) {
        break; // unpinned: counted as reclaimable below, so it must be counted as needed too
      }
      present++;
      parent = block;
    }
    return full - present <= capacityBlocks - pinnedBlocks;
  }

  private void extendInto(Lease lease, int[] tokens, int fromBlock, int toBlock) {
    Block parent = lease.blocks.isEmpty() ? null : lease.blocks.get(lease.blocks.size() - 1);
    long key = parent == null ? ROOT_KEY : parent.key;
    boolean[] found = new boolean[Math.max(0, toBlock)];
    long now = ++tick;
    for (int b = fromBlock; b < toBlock; b++) {
      int start = b * blockSize;
      key = chain(key, tokens, start);
      Block block = blocks.get(key);
      if (block != null && (block.parent != parent || !block.matches(tokens, start))) {
        lease.truncated = true; // hash collision: leave the rest uncached
        break;
      }
      if (block == null) {
        if (blocks.size() >= capacityBlocks && !evictOne()) {
          lease.truncated = true;
          break;
        }
        block = new Block(key, parent, Arrays.copyOfRange(tokens, start, start + blockSize), serials++);
        blocks.put(key, block);
        if (parent != null) {
          parent.children++;
        }
        listener.stored(key, parent == null ? 0 : parent.key, block.tokens);
      } else {
        found[b] = true;
        evictable.remove(block);
      }
      if (block.refCount++ == 0) {
        pinnedBlocks++;
      }
      block.lastUse = now;
      lease.blocks.add(block);
      parent = block;
    }
    lease.found = found;
  }

  private boolean evictOne() {
    Block victim = evictable.pollFirst();
    if (victim == null) {
      return false;
    }
    blocks.remove(victim.key);
    listener.removed(victim.key);
    Block parent = victim.parent;
    if (parent != null) {
      parent.children--;
      if (parent.isEvictable()) {
        evictable.add(parent);
      }
    }
    return true;
  }

  private long chain(long key, int[] tokens, int start) {
    long h = key;
    for (int i = start; i < start + blockSize; i++) {
      h = SimTokens.mix(h * 31 + tokens[i]);
    }
    return h;
  }

  /** The blocks a running request holds pinned, and how many of its prompt tokens were already cached. */
  public static final class Lease {
    private final List<Block> blocks = new ArrayList<>();
    private boolean[] found;
    private int cachedTokens;
    private boolean truncated;
    private boolean released;

    public int cachedTokens() {
      return cachedTokens;
    }

    public int blockCount() {
      return blocks.size();
    }
  }

  private static final class Block {
    final long key;
    final Block parent;
    final int[] tokens;
    final long serial;
    int refCount;
    int children;
    long lastUse;

    Block(long key, Block parent, int[] tokens, long serial) {
      this.key = key;
      this.parent = parent;
      this.tokens = tokens;
      this.serial = serial;
    }

    boolean matches(int[] sequence, int start) {
      return Arrays.equals(tokens, 0, tokens.length, sequence, start, start + tokens.length);
    }

    boolean isEvictable() {
      return refCount == 0 && children == 0;
    }
  }
}
