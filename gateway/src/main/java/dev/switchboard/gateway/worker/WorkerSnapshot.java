package dev.switchboard.gateway.worker;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/** An immutable view of the registry, indexed by URL and by pool (model × type × connection). */
public final class WorkerSnapshot {
  static final WorkerSnapshot EMPTY = of(List.of(), 0);

  /** A pool: the workers of one model that do the same job over the same connection. */
  public record PoolKey(String model, WorkerType type, ConnectionMode connection) {}

  private final List<Worker> all;
  private final Map<String, Worker> byUrl;
  private final Map<PoolKey, List<Worker>> pools;
  private final SortedSet<String> models;
  private final long version;

  private WorkerSnapshot(List<Worker> all, Map<String, Worker> byUrl, Map<PoolKey, List<Worker>> pools,
      SortedSet<String> models, long version) {
    this.all = all;
    this.byUrl = byUrl;
    this.pools = pools;
    this.models = models;
    this.version = version;
  }

  static WorkerSnapshot of(List<Worker> workers, long version) {
    Map<String, Worker> byUrl = new LinkedHashMap<>();
    Map<PoolKey, List<Worker>> pools = new HashMap<>();
    SortedSet<String> models = new TreeSet<>();
    for (Worker w : workers) {
      byUrl.put(w.url(), w);
      pools.computeIfAbsent(new PoolKey(w.model(), w.type(), w.connection()), k -> new ArrayList<>()).add(w);
      models.add(w.model());
    }
    pools.replaceAll((k, v) -> List.copyOf(v));
    return new WorkerSnapshot(List.copyOf(workers), Collections.unmodifiableMap(byUrl), Map.copyOf(pools),
        Collections.unmodifiableSortedSet(models), version);
  }

  public List<Worker> all() { return all; }
  public Worker byUrl(String url) { return byUrl.get(url); }
  public SortedSet<String> models() { return models; }
  public long version() { return version; }

  /** The workers of one pool, in registration order; empty when there are none. */
  public List<Worker> pool(String model, WorkerType type, ConnectionMode connection) {
    return pools.getOrDefault(new PoolKey(model, type, connection), List.of());
  }

  public List<WorkerSpec> specs() {
    return all.stream().map(Worker::spec).toList();
  }
}
