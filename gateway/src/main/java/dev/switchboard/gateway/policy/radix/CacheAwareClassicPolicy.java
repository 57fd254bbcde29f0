package dev.switchboard.gateway.policy.radix;

import dev.switchboard.gateway.policy.SelectionContext;
import dev.switchboard.gateway.worker.Worker;
import java.util.List;

/**
 * The reference gateway's cache-aware algorithm, kept as it is for comparison:
 * <ol>
 *   <li>Loads are the gateway's in-flight counts. If {@code (max - min) > balance_abs_threshold} and
 *       {@code max > min * balance_rel_threshold} over all candidates, the first least-loaded candidate wins.</li>
 *   <li>Otherwise match the text, counting whole edges only. If more than {@code cache_threshold} of it matched,
 *       the first tenant of the deepest node reached wins; else the tenant with the fewest characters in the tree,
 *       whatever its load.</li>
 *   <li>If that worker is not among the candidates, the first candidate wins and nothing is recorded.</li>
 * </ol>
 * The text is recorded under the chosen worker. Differences from the reference, both forced by this gateway's
 * shape: a tenant that is not a candidate is not removed from the tree (candidates here also exclude workers
 * already tried by the request and lower priority tiers; a worker leaving the pool is removed), and a match does
 * not refresh the matched tenant's timestamps (the insert that follows refreshes the chosen one's).
 */
public final class CacheAwareClassicPolicy extends PrefixTreePolicy {
  public CacheAwareClassicPolicy(CacheAwareSettings settings) {
    super(settings);
  }

  @Override public String name() { return "cache_aware_classic"; }

  @Override
  public Worker pick(List<Worker> candidates, SelectionContext request) {
    String text = request.routingText();
    int minIndex = 0;
    long max = Long.MIN_VALUE;
    long min = Long.MAX_VALUE;
    for (int i = 0; i < candidates.size(); i++) {
      long load = candidates.get(i).inFlight();
      max = Math.max(max, load);
      if (load < min) {
        min = load;
        minIndex = i;
      }
    }
    if (settings.imbalanced(max, min)) {
      Worker w = candidates.get(minIndex);
      tree.insert(text, w);
      return w;
    }
    RadixTree.Match<Worker> match = tree.match(text, List.of(), false);
    boolean hit = match.deepestRate() > settings.cacheThreshold();
    Worker target = hit ? match.deepestTenant() : tree.smallestTenant();
    cacheObserver.picked(hit ? match.deepestRate() : 0, hit);
    if (target != null) {
      for (Worker c : candidates) {
        if (c == target) {
          tree.insert(text, c);
          return c;
        }
      }
    }
    return candidates.getFirst();
  }
}
