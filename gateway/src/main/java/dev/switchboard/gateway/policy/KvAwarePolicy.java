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
 * The cheapest candidate wins; ties go to the lower load, then round the candidates. A candidate whose load exceeds
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
   * @param cache the fallback tree's and the balance guard's settings ({@code cache_aware}'s parameters)
   */
  public record Settings(double loadWeight, double kvUsageWeight, CacheAwareSettings cache) {
    public static final Settings DEFAULTS = new Settings(1.0, 0.25, CacheAwareSettings.DEFAULTS);
  }

  private final Settings settings;
  private final PrefixCacheView kv;
  private final CacheAwarePolicy fallback;
  private final AtomicInteger rotation = new AtomicInteger();

  public KvAwarePolicy(Settings settings, PrefixCacheView kv) {
    this.settings = settings;
    this.kv = kv;
    this.fallback = new CacheAwarePolicy(settings.cache());
  }

  public Settings settings() { return settings; }

  @Override public String name() { return "kv_aware"; }

  @Override public boolean needsRoutingText() { return true; }

  @Override public boolean usesReportedLoad() { return true; }

  @Override public void workerAdded(Worker worker) { fallback.workerAdded(worker); }

  @Override public void workerRemoved(Worker worker) { fallback.workerRemoved(worker); }

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

    int[] cached = kv.cachedBlocks(ids, candidates);
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
    if (!publishes[best]) fallback.tree().insert(request.routingText(), chosen);
    return chosen;
  }
}
