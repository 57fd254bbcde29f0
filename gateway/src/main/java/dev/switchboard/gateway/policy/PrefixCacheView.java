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
    @Override public PromptEncoder prompts() { return PromptEncoder.NONE; }
  };

  /** Whether the gateway receives this worker's KV events and knows its block size. */
  boolean publishes(Worker w);

  /** The worker's KV block size in tokens (0 when unknown). */
  int blockSize(Worker w);

  /** Per worker, how many leading full blocks of {@code ids} it holds in device memory (0 when it publishes none). */
  int[] cachedBlocks(int[] ids, List<Worker> workers);

  /** How requests become token ids. */
  PromptEncoder prompts();
}
