package dev.switchboard.gateway.policy;

import dev.switchboard.gateway.worker.Worker;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which workers of a pool a request may use before a policy chooses among them: the available ones not yet tried,
 * that meet the client's {@link WorkerConstraints}, and of those only the highest {@code priority} tier present.
 * So priority decides the tier and the pool's policy decides within it; a lower tier is used only when no worker
 * of a higher tier is available (or all of them already failed this request).
 */
public final class Candidates {
  private Candidates() {}

  /** The candidates for one attempt; {@code exclude} are workers that already failed this request. */
  public static List<Worker> eligible(List<Worker> pool, SelectionContext request, Set<Worker> exclude) {
    WorkerConstraints constraints;
    try {
      constraints = WorkerConstraints.of(request);
    } catch (IllegalArgumentException e) {
      return List.of(); // the front rejects malformed headers with 400; never route around them
    }
    List<Worker> out = new ArrayList<>(pool.size());
    int tier = Integer.MIN_VALUE;
    for (Worker w : pool) {
      if (!w.isAvailable() || exclude.contains(w) || !constraints.admits(w)) continue;
      int p = w.priority();
      if (p < tier) continue;
      if (p > tier) {
        out.clear();
        tier = p;
      }
      out.add(w);
    }
    return out;
  }

  /** Why {@link #eligible} found nobody for a request that has not tried any worker yet, for the 503 message. */
  public static String unavailableReason(List<Worker> pool, SelectionContext request, String model) {
    WorkerConstraints constraints;
    try {
      constraints = WorkerConstraints.of(request);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    boolean anyAvailable = pool.stream().anyMatch(Worker::isAvailable);
    if (!anyAvailable || constraints.isNone()) return "no healthy worker can serve model '" + model + "' right now";
    return "no healthy worker of model '" + model + "' meets the request's " + constraints;
  }
}
