package dev.switchboard.gateway.policy;

import dev.switchboard.gateway.worker.Worker;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Two distinct random candidates; the one with the lower {@link Load} wins (the first drawn on a tie). */
public final class PowerOfTwoPolicy implements Policy {
  @Override public String name() { return "power_of_two"; }

  @Override public boolean usesReportedLoad() { return true; }

  @Override
  public Worker pick(List<Worker> candidates, SelectionContext request) {
    int n = candidates.size();
    if (n == 1) return candidates.getFirst();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int a = random.nextInt(n);
    int b = random.nextInt(n - 1);
    if (b >= a) b++;
    Worker first = candidates.get(a);
    Worker second = candidates.get(b);
    return Load.of(second) < Load.of(first) ? second : first;
  }
}
