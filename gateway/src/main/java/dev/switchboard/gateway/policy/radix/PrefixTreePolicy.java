package dev.switchboard.gateway.policy.radix;

import dev.switchboard.gateway.policy.Policy;
import dev.switchboard.gateway.worker.Worker;

/**
 * What both cache-aware policies share: one radix tree of the pool's request text with workers as tenants, its
 * periodic eviction, and the tenant bookkeeping as workers join and leave the pool.
 */
public abstract class PrefixTreePolicy implements Policy {
  protected final CacheAwareSettings settings;
  protected final RadixTree<Worker> tree = new RadixTree<>();
  protected volatile CacheObserver cacheObserver = CacheObserver.NONE;

  protected PrefixTreePolicy(CacheAwareSettings settings) {
    this.settings = settings;
    TreeEvictor.schedule(tree, settings.evictionIntervalSecs(), settings.maxTreeSize());
  }

  public CacheAwareSettings settings() { return settings; }

  /** The tree, for tests and metrics. */
  public RadixTree<Worker> tree() { return tree; }

  /** Who hears of each cache decision (the gateway's metrics). */
  public void observeCache(CacheObserver observer) { this.cacheObserver = observer; }

  @Override public void workerAdded(Worker worker) { tree.addTenant(worker); }

  @Override public void workerRemoved(Worker worker) { tree.removeTenant(worker); }
}
