package dev.switchboard.gateway.policy;

import dev.switchboard.gateway.worker.Worker;
import java.util.List;

/**
 * What the workers' own KV events say they cache, for {@code kv_aware}: implemented by the gateway's KV-event index
 * ({@code kv.KvEventsService}); {@link #NONE} where there is none (then {@code kv_aware} is {@code cache_aware}).
 */
public interface PrefixCacheView {
  PrefixCacheView NONE = new PrefixCacheView() {
    @Override public boolean publishes(Worker w) { return false; }
    @Override public int blockSize(Worker w) { return 0; }
    @Override public int[] cachedBlocks(int[] ids, List<Worker> workers) { return new int[workers.size()]; }
    @Override public long[] blockKeys(int[] ids, int blockSize) { return new long[0]; }
    @Override public boolean holds(Worker w, long key) { return false; }
    @Override public PromptEncoder prompts() { return PromptEncoder.NONE; }
  };

  /** Whether the gateway receives this worker's KV events and knows its block size. */
  boolean publishes(Worker w);

  /** The worker's KV block size in tokens (0 when unknown). */
  int blockSize(Worker w);

  /** Per worker, how many leading full blocks of {@code ids} it holds in device memory (0 when it publishes none). */
  int[] cachedBlocks(int[] ids, List<Worker> workers);

  /** The keys of the full blocks of {@code ids} cut at {@code blockSize}, each naming the whole prefix up to it. */
  long[] blockKeys(int[] ids, int blockSize);

  /** Whether the worker holds the block keyed {@code key} in device memory. Lock-free. */
  boolean holds(Worker w, long key);

  /** How requests become token ids. */
  PromptEncoder prompts();
}
