package dev.switchboard.gateway.policy;

import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.WorkerRegistry;
import dev.switchboard.gateway.worker.WorkerSnapshot;
import dev.switchboard.gateway.worker.WorkerSnapshot.PoolKey;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One policy instance per pool (model × worker type × connection), created on first use from the configured spec
 * and told when workers join or leave its pool; dropped when its pool empties.
 */
public final class PolicyRegistry implements WorkerRegistry.Listener {
  private final Function<PoolKey, PolicySpec> specs;
  private final Map<PoolKey, Policy> policies = new ConcurrentHashMap<>();
  private final BiConsumer<PoolKey, Policy> created;
  private final PrefixCacheView kv;

  /** @param specs which policy a pool uses (per-model overrides, prefill/decode policies, gateway default) */
  public PolicyRegistry(Function<PoolKey, PolicySpec> specs) {
    this(specs, (pool, policy) -> {});
  }

  /** @param created told of each new policy instance (metrics attach their observers) */
  public PolicyRegistry(Function<PoolKey, PolicySpec> specs, BiConsumer<PoolKey, Policy> created) {
    this(specs, created, PrefixCacheView.NONE);
  }

  /** @param kv the workers' KV events, for {@code kv_aware} */
  public PolicyRegistry(Function<PoolKey, PolicySpec> specs, BiConsumer<PoolKey, Policy> created, PrefixCacheView kv) {
    this.specs = specs;
    this.created = created;
    this.kv = kv;
  }

  public Policy policy(PoolKey pool) {
    Policy p = policies.get(pool);
    return p != null ? p : policies.computeIfAbsent(pool, k -> {
      Policy made = Policies.create(specs.apply(k), kv);
      created.accept(k, made);
      return made;
    });
  }

  public Policy policy(Worker w) {
    return policy(new PoolKey(w.model(), w.type(), w.connection()));
  }

  @Override
  public void workerUpdated(Worker w) {
    Policy p = policies.get(new PoolKey(w.model(), w.type(), w.connection()));
    if (p != null) p.workerUpdated(w);
  }

  @Override
  public void workersChanged(WorkerSnapshot snapshot, List<Worker> added, List<Worker> removed) {
    for (Worker w : added) policy(w).workerAdded(w);
    for (Worker w : removed) {
      PoolKey key = new PoolKey(w.model(), w.type(), w.connection());
      Policy p = policies.get(key);
      if (p == null) continue;
      p.workerRemoved(w);
      if (snapshot.pool(key.model(), key.type(), key.connection()).isEmpty()) policies.remove(key, p);
    }
  }
}
