package dev.switchboard.gateway.policy;

import dev.switchboard.gateway.worker.Worker;
import java.util.List;

/**
 * Chooses one worker of a pool for one request. One instance serves one pool (a model's regular, prefill or
 * decode workers), so state such as a radix tree or a round-robin counter never mixes pools.
 * Implementations are called concurrently from every event loop and must be thread-safe and non-blocking.
 */
public interface Policy {
  /** The configured name, e.g. {@code round_robin}. */
  String name();

  /**
   * Picks one of {@code candidates} — all available (healthy) workers of the pool that the request may use,
   * never empty — and returns it.
   */
  Worker pick(List<Worker> candidates, SelectionContext request);


  /** Whether this policy reads {@link dev.switchboard.gateway.worker.Worker#reportedLoad()}, so the gateway polls it. */
  default boolean usesReportedLoad() { return false; }

  /** Whether this policy reads the workers' KV events, so the gateway subscribes to them ({@code kv_aware}). */
  default boolean usesKvEvents() { return false; }

  /** A worker joined this policy's pool. */
  default void workerAdded(Worker worker) {}

  /** A worker of this pool changed in place (priority, cost, labels, api key) or started or stopped draining. */
  default void workerUpdated(Worker worker) {}

  /** A worker left this policy's pool for good: forget everything about it. */
  default void workerRemoved(Worker worker) {}
}
