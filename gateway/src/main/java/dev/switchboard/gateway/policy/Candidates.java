package dev.switchboard.gateway.policy;

import dev.switchboard.gateway.worker.Worker;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Which workers of a pool a request may use before a policy chooses among them. */
public final class Candidates {
  private Candidates() {}

  /** The available workers of {@code pool} not in {@code exclude} (workers that already failed this request). */
  public static List<Worker> eligible(List<Worker> pool, SelectionContext request, Set<Worker> exclude) {
    List<Worker> out = new ArrayList<>(pool.size());
    for (Worker w : pool) {
      if (w.isAvailable() && !exclude.contains(w)) out.add(w);
    }
    return out;
  }
}
