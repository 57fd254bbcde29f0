package dev.switchboard.gateway.policy;

import dev.switchboard.gateway.policy.radix.CacheAwarePolicy;
import dev.switchboard.gateway.policy.radix.CacheAwareSettings;
import dev.switchboard.gateway.policy.radix.RadixTree;
import dev.switchboard.gateway.worker.Worker;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Precise prefix-cache routing from the workers' own KV events. For each candidate {@code w}:
 * <pre>
 *   cost(w) = (1 - hit(w))  +  load_weight * L(w) / (L̄ + 1)  +  kv_usage_weight * U(w)
 * </pre>
 * <ul>
 *   <li>{@code hit(w)}: the fraction of the prompt's tokens in the leading full blocks {@code w} holds in device
 *       memory, from the KV-event index (the prompt rendered and tokenized as the worker will, cut into its block
 *       size, hashed as a chain). For a candidate that publishes no events: the approximate tree's match rate
 *       ({@code cache_aware}'s), which this policy keeps for such workers.</li>
 *   <li>{@code L(w)}: running plus queued requests as the worker last reported them ({@code /get_load}, or vLLM's
 *       {@code /metrics}), plus what this gateway sent it since ({@link Load#of}); {@code L̄} the candidates' mean.
 *       So every gateway replica sees the load the others put there.</li>
 *   <li>{@code U(w)}: the KV-cache usage the worker reports (0..1; 0 when it reports none): a nearly full cache is
 *       about to evict.</li>
 * </ul>
 * Events arrive only once a worker has admitted a request, so a burst of requests sharing a new prefix would all
 * look like misses. This gateway therefore also counts the blocks it has just sent a worker as held by it for
 * {@code pending_ttl_ms} (default 3000), until the worker's own events take over; other replicas learn them from
 * those events.
 *
 * <p>The cheapest candidate wins; ties go to the lower load, then round the candidates. A candidate whose load exceeds
 * the least-loaded one's by {@code balance_abs_threshold} and {@code balance_rel_threshold} times is not chosen
 * while another is not. A hot prefix therefore stays on the worker holding it only while that worker's load is
 * within about {@code 1 / load_weight} of the mean (relative): beyond that the next request goes to a less loaded
 * worker, which then holds the prefix too, so hot prefixes spread instead of piling up.
 *
 * <p>When no candidate publishes events, or the prompt's ids cannot be known (no tokenizer configured, still
 * loading, a batch), the pick is {@code cache_aware}'s.
 */
public final class KvAwarePolicy implements Policy {
  /**
   * @param loadWeight weight of the relative load term (default 1.0)
   * @param kvUsageWeight weight of the reported KV-cache usage (default 0.25)
   * @param pendingTtlMillis how long blocks just sent to a worker count as held there before its events say so
   * @param loadPollMillis how often the gateway asks the workers for their load (the whole gateway polls at the
   *     shortest interval any pool wants; default 250 ms, so several replicas see each other's work quickly)
   * @param cache the fallback tree's and the balance guard's settings ({@code cache_aware}'s parameters)
   */
  public record Settings(double loadWeight, double kvUsageWeight, long pendingTtlMillis, long loadPollMillis,
      CacheAwareSettings cache) {
    public static final Settings DEFAULTS = new Settings(1.0, 0.25, 3_000, 250, CacheAwareSettings.DEFAULTS);
  }

  /** A block this gateway just sent to {@code worker}, counted as held there until {@code untilNanos}. */
  private record Pending(Worker worker, long untilNanos) {}

  private static final int PENDING_SWEEP_SIZE = 200_000;

  private final Settings settings;
  private final PrefixCacheView kv;
  private final CacheAwarePolicy fallback;
  private final AtomicInteger rotation = new AtomicInteger();
  private final java.util.concurrent.ConcurrentHashMap<Long, Pending> pending = new java.util.concurrent.ConcurrentHashMap<>();

  public KvAwarePolicy(Settings settings, PrefixCacheView kv) {
    this.settings = settings;
    this.kv = kv;
    this.fallback = new CacheAwarePolicy(settings.cache());
  }

  public Settings settings() { return settings; }

  @Override public String name() { return "kv_aware"; }


  @Override public boolean usesReportedLoad() { return true; }

  @Override public boolean usesKvEvents() { return true; }

  @Override public void workerAdded(Worker worker) { fallback.workerAdded(worker); }

  @Override
  public void workerRemoved(Worker worker) {
    fallback.workerRemoved(worker);
    pending.values().removeIf(p -> p.worker() == worker);
  }

  @Override
  public Worker pick(List<Worker> candidates, SelectionContext request) {
    int n = candidates.size();
    boolean[] publishes = new boolean[n];
    boolean any = false;
    boolean all = true;
    for (int i = 0; i < n; i++) {
      publishes[i] = kv.publishes(candidates.get(i));
      any |= publishes[i];
      all &= publishes[i];
    }
    if (!any) return fallback.pick(candidates, request);
    if (n == 1) return candidates.getFirst();
    int[] ids = request.tokenIds(kv.prompts());
    if (ids == null || ids.length == 0) return fallback.pick(candidates, request);

    long now = System.nanoTime();
    int[] cached = new int[n];
    long[][] keys = new long[n][];
    for (int i = 0; i < n; i++) {
      if (!publishes[i]) continue;
      Worker w = candidates.get(i);
      int bs = kv.blockSize(w);
      keys[i] = i > 0 && keys[i - 1] != null && kv.blockSize(candidates.get(i - 1)) == bs ? keys[i - 1] : kv.blockKeys(ids, bs);
      cached[i] = heldPrefix(w, keys[i], now);
    }
    RadixTree.Match<Worker> approximate = all ? null : fallback.tree().match(request.routingText(), candidates, true);
    long[] loads = new long[n];
    long min = Long.MAX_VALUE;
    double mean = 0;
    for (int i = 0; i < n; i++) {
      loads[i] = Load.of(candidates.get(i));
      min = Math.min(min, loads[i]);
      mean += loads[i];
    }
    mean /= n;
    boolean anyBalanced = false;
    for (int i = 0; i < n; i++) anyBalanced |= !settings.cache().imbalanced(loads[i], min);

    int start = Math.floorMod(rotation.getAndIncrement(), n);
    int best = -1;
    double bestCost = Double.MAX_VALUE;
    for (int k = 0; k < n; k++) {
      int i = (start + k) % n;
      if (anyBalanced && settings.cache().imbalanced(loads[i], min)) continue;
      Worker w = candidates.get(i);
      double hit = publishes[i]
          ? Math.min(1.0, (double) cached[i] * kv.blockSize(w) / ids.length)
          : approximate.rate(i);
      double usage = Math.max(0, w.reportedKvUsage());
      double cost = (1 - hit) + settings.loadWeight() * loads[i] / (mean + 1) + settings.kvUsageWeight() * usage;
      if (best < 0 || cost < bestCost - 1e-12 || (Math.abs(cost - bestCost) <= 1e-12 && loads[i] < loads[best])) {
        best = i;
        bestCost = cost;
      }
    }
    Worker chosen = candidates.get(best);
    if (publishes[best]) {
      remember(keys[best], chosen, now);
    } else {
      fallback.tree().insert(request.routingText(), chosen);
    }
    return chosen;
  }

  /** Leading blocks the worker holds by its events, or was just sent by this gateway. */
  private int heldPrefix(Worker w, long[] keys, long now) {
    int b = 0;
    for (; b < keys.length; b++) {
      if (kv.holds(w, keys[b])) continue;
      Pending p = pending.get(keys[b]);
      if (p == null || p.worker() != w || p.untilNanos() < now) break;
    }
    return b;
  }

  private void remember(long[] keys, Worker w, long now) {
    if (settings.pendingTtlMillis() == 0) return;
    Pending p = new Pending(w, now + settings.pendingTtlMillis() * 1_000_000);
    for (long k : keys) pending.put(k, p);
    if (pending.size() > PENDING_SWEEP_SIZE) pending.values().removeIf(e -> e.untilNanos() < now);
  }
}
