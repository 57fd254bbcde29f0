package dev.switchboard.gateway.policy.radix;

import dev.switchboard.gateway.policy.Load;
import dev.switchboard.gateway.policy.SelectionContext;
import dev.switchboard.gateway.worker.Worker;
import java.util.List;

/**
 * Prefix-cache-aware routing with load awareness. Per request, over the candidates:
 * <ol>
 *   <li>A candidate is <em>overloaded</em> when its load exceeds the least-loaded candidate's by more than
 *       {@code balance_abs_threshold} and is more than {@code balance_rel_threshold} times it. Only the chosen
 *       worker's own load is judged, so one busy worker elsewhere never costs every request its locality (the
 *       reference drops locality pool-wide as soon as any two workers are that far apart).</li>
 *   <li>Hit: among candidates that are not overloaded and whose cached prefix covers more than
 *       {@code cache_threshold} of the text, the one covering the most (lower load on a tie).</li>
 *   <li>Miss: the least-loaded candidate; among equals, the one holding the fewest characters in the tree, so idle
 *       workers' caches all get used (the reference picks the smallest tree whatever its load).</li>
 * </ol>
 * The text is then recorded under the chosen worker. A worker that leaves the pool is removed from the tree.
 * Load is {@link Load#of}: the gateway's in-flight count refined by the worker's {@code /get_load}.
 */
public final class CacheAwarePolicy extends PrefixTreePolicy {
  public CacheAwarePolicy(CacheAwareSettings settings) {
    super(settings);
  }

  @Override public String name() { return "cache_aware"; }

  @Override public boolean usesReportedLoad() { return true; }

  @Override
  public Worker pick(List<Worker> candidates, SelectionContext request) {
    String text = request.routingText();
    int n = candidates.size();
    Worker chosen;
    if (n == 1) {
      chosen = candidates.getFirst();
    } else {
      long[] loads = new long[n];
      long min = Long.MAX_VALUE;
      for (int i = 0; i < n; i++) {
        loads[i] = Load.of(candidates.get(i));
        min = Math.min(min, loads[i]);
      }
      RadixTree.Match<Worker> match = tree.match(text, candidates, true);
      int hit = -1;
      for (int i = 0; i < n; i++) {
        if (match.rate(i) <= settings.cacheThreshold() || settings.imbalanced(loads[i], min)) continue;
        if (hit < 0 || match.depths()[i] > match.depths()[hit]
            || (match.depths()[i] == match.depths()[hit] && loads[i] < loads[hit])) {
          hit = i;
        }
      }
      int c = hit >= 0 ? hit : leastLoaded(candidates, loads, min);
      chosen = candidates.get(c);
      cacheObserver.picked(match.rate(c), hit >= 0);
    }
    tree.insert(text, chosen);
    return chosen;
  }

  private int leastLoaded(List<Worker> candidates, long[] loads, long min) {
    int best = -1;
    long bestChars = Long.MAX_VALUE;
    for (int i = 0; i < loads.length; i++) {
      if (loads[i] != min) continue;
      long chars = tree.chars(candidates.get(i));
      if (chars < bestChars) {
        best = i;
        bestChars = chars;
      }
    }
    return best;
  }
}
