package dev.switchboard.gateway.kv;

import dev.switchboard.gateway.worker.Worker;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which workers hold which block chains, learnt from their KV events. A block is keyed by {@link BlockChain}: the
 * chained hash of the token ids up to and including it (so a key names a whole prefix), seeded by its LoRA adapter,
 * and kept apart per storage medium. The value is the sorted slots of the workers holding it.
 *
 * <p>Reads ({@link #cachedBlocks}) take no lock: a {@link ConcurrentHashMap} lookup per block, and the slot arrays
 * are never changed once published (writers replace them). Writes come from one subscriber thread per worker; a
 * worker's own engine-hash → key map is confined to its {@link WorkerBlocks} (guarded by its monitor, which only that
 * worker's subscriber and its removal take).
 *
 * <p>Memory is bounded by {@code maxEntries} (block × worker × medium entries): past it new blocks are not indexed
 * (counted in {@link #droppedStores()}) until evictions make room. Cost per entry: see docs/ROUTING-QUALITY.md.
 */
public final class KvIndex {
  private final Map<Long, int[]> holders = new ConcurrentHashMap<>();
  private final Map<Worker, WorkerBlocks> workers = new ConcurrentHashMap<>();
  private final java.util.BitSet usedSlots = new java.util.BitSet();
  private final AtomicLong entries = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final long maxEntries;

  public KvIndex(long maxEntries) {
    this.maxEntries = maxEntries;
  }

  /** Starts tracking a worker (idempotent). */
  public WorkerBlocks attach(Worker w) {
    return workers.computeIfAbsent(w, k -> new WorkerBlocks(k, takeSlot()));
  }

  /** Forgets everything the worker held. */
  public void detach(Worker w) {
    WorkerBlocks b = workers.remove(w);
    if (b == null) return;
    b.reset();
    synchronized (usedSlots) {
      usedSlots.clear(b.slot);
    }
  }

  /** The worker's blocks, or {@code null} when it is not tracked. */
  public WorkerBlocks blocks(Worker w) {
    return workers.get(w);
  }

  /** Index entries (one per block, worker and medium). */
  public long entries() { return entries.get(); }

  /** Distinct keys (blocks, whichever workers hold them). */
  public int keys() { return holders.size(); }

  /** Stores not indexed because the index was full. */
  public long droppedStores() { return dropped.get(); }

  /**
   * For each worker, how many leading full blocks of {@code ids} it holds in device memory, counted in its own
   * block size; 0 for a worker not tracked. Lock-free.
   */
  public int[] cachedBlocks(int[] ids, List<Worker> candidates) {
    int n = candidates.size();
    int[] matched = new int[n];
    WorkerBlocks[] blocks = new WorkerBlocks[n];
    boolean any = false;
    for (int i = 0; i < n; i++) {
      blocks[i] = workers.get(candidates.get(i));
      any |= blocks[i] != null && blocks[i].blockSize > 0;
    }
    if (!any) return matched;
    boolean[] done = new boolean[n];
    for (int i = 0; i < n; i++) {
      if (done[i] || blocks[i] == null || blocks[i].blockSize <= 0) continue;
      int bs = blocks[i].blockSize;
      long[] keys = BlockChain.keys(ids, bs, null);
      // every candidate with this block size walks the same keys
      boolean[] alive = new boolean[n];
      int living = 0;
      for (int j = i; j < n; j++) {
        if (!done[j] && blocks[j] != null && blocks[j].blockSize == bs) {
          alive[j] = true;
          done[j] = true;
          living++;
        }
      }
      for (int b = 0; b < keys.length && living > 0; b++) {
        int[] h = holders.get(keys[b]);
        for (int j = i; j < n; j++) {
          if (!alive[j]) continue;
          if (h != null && Arrays.binarySearch(h, blocks[j].slot) >= 0) {
            matched[j]++;
          } else {
            alive[j] = false;
            living--;
          }
        }
      }
    }
    return matched;
  }

  /** Whether the worker holds the block keyed {@code key} in device memory. Lock-free. */
  public boolean holds(Worker w, long key) {
    WorkerBlocks b = workers.get(w);
    if (b == null) return false;
    int[] h = holders.get(key);
    return h != null && Arrays.binarySearch(h, b.slot) >= 0;
  }

  private int takeSlot() {
    synchronized (usedSlots) {
      int s = usedSlots.nextClearBit(0);
      usedSlots.set(s);
      return s;
    }
  }

  private static long globalKey(long chainKey, String medium) {
    return medium.equals(KvEvent.DEVICE) ? chainKey : BlockChain.mix(chainKey ^ medium.hashCode() * 0x9E3779B97F4A7C15L);
  }

  private void addHolder(long key, int slot) {
    holders.compute(key, (k, h) -> {
      if (h == null) return new int[] {slot};
      int at = Arrays.binarySearch(h, slot);
      if (at >= 0) return h;
      int ins = -at - 1;
      int[] next = new int[h.length + 1];
      System.arraycopy(h, 0, next, 0, ins);
      next[ins] = slot;
      System.arraycopy(h, ins, next, ins + 1, h.length - ins);
      return next;
    });
  }

  private void removeHolder(long key, int slot) {
    holders.computeIfPresent(key, (k, h) -> {
      int at = Arrays.binarySearch(h, slot);
      if (at < 0) return h;
      if (h.length == 1) return null;
      int[] next = new int[h.length - 1];
      System.arraycopy(h, 0, next, 0, at);
      System.arraycopy(h, at + 1, next, at, h.length - at - 1);
      return next;
    });
  }

  /** One worker's part of the index: per storage medium, its engine's block hashes mapped to the gateway's keys. */
  public final class WorkerBlocks {
    final Worker worker;
    final int slot;
    private final Map<String, LongLongMap> byMedium = new java.util.HashMap<>(2);
    volatile int blockSize;
    private long stores;

    WorkerBlocks(Worker worker, int slot) {
      this.worker = worker;
      this.slot = slot;
    }

    public Worker worker() { return worker; }

    /** Blocks this worker holds in the index, all media. */
    public synchronized int size() {
      return byMedium.values().stream().mapToInt(LongLongMap::size).sum();
    }

    /** Blocks this worker holds in the index in one medium ({@code "GPU"}: device memory). */
    public synchronized int size(String medium) {
      LongLongMap m = byMedium.get(KvEvent.mediumOf(medium));
      return m == null ? 0 : m.size();
    }

    /** The block size its base-model events use (0 before the first store). */
    public int blockSize() { return blockSize; }

    /** Blocks indexed so far (a counter). */
    public synchronized long stores() { return stores; }

    public synchronized void apply(KvEvent event) {
      switch (event) {
        case KvEvent.BlockStored s -> store(s);
        case KvEvent.BlockRemoved r -> {
          String medium = KvEvent.mediumOf(r.medium());
          LongLongMap map = byMedium.get(medium);
          if (map == null) return;
          for (long h : r.hashes()) {
            long chain = map.remove(h);
            if (chain == LongLongMap.MISSING) continue;
            removeHolder(globalKey(chain, medium), slot);
            entries.decrementAndGet();
          }
        }
        case KvEvent.AllBlocksCleared c -> reset();
      }
    }

    private void store(KvEvent.BlockStored s) {
      int bs = s.blockSize();
      if (bs <= 0 || s.tokens().length < s.hashes().length * bs) return; // malformed: nothing to key it by
      if (s.loraId() == null) blockSize = bs;
      String medium = KvEvent.mediumOf(s.medium());
      LongLongMap map = byMedium.computeIfAbsent(medium, m -> new LongLongMap());
      long chain;
      if (!s.hasParent()) {
        chain = BlockChain.root(s.loraId());
      } else {
        chain = map.get(s.parentHash());
        if (chain == LongLongMap.MISSING && byMedium.containsKey(KvEvent.DEVICE)) chain = byMedium.get(KvEvent.DEVICE).get(s.parentHash());
        if (chain == LongLongMap.MISSING) return; // parent unknown (missed or evicted): the chain cannot be keyed
      }
      for (int i = 0; i < s.hashes().length; i++) {
        chain = BlockChain.next(chain, s.tokens(), i * bs, bs);
        long old = map.get(s.hashes()[i]);
        if (old == chain) continue;
        if (old == LongLongMap.MISSING) {
          if (entries.get() >= maxEntries) {
            dropped.incrementAndGet();
            return;
          }
          entries.incrementAndGet();
        } else {
          removeHolder(globalKey(old, medium), slot);
        }
        map.put(s.hashes()[i], chain);
        addHolder(globalKey(chain, medium), slot);
        stores++;
      }
    }

    /** Drops every block of this worker (a gap that could not be replayed, a restart, a flush, its removal). */
    public synchronized void reset() {
      for (Map.Entry<String, LongLongMap> e : byMedium.entrySet()) {
        String medium = e.getKey();
        LongLongMap map = e.getValue();
        map.forEachValue(chain -> removeHolder(globalKey(chain, medium), slot));
        entries.addAndGet(-map.size());
      }
      byMedium.clear();
    }
  }
}
