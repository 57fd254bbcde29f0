package dev.switchboard.gateway.policy;

import dev.switchboard.gateway.worker.Worker;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which workers of a pool a request may use before a policy chooses among them: the available ones that have not
 * failed it, that meet the client's {@link WorkerConstraints}, and of those only the highest {@code priority} tier
 * present. So priority decides the tier and the pool's policy decides within it; a lower tier is used only when no
 * worker of a higher tier is available (or all of them already failed this request).
 */
public final class Candidates {
  private Candidates() {}

  /** The candidates for one attempt; {@code exclude} are workers that already failed this request. */
  public static List<Worker> eligible(List<Worker> pool, WorkerConstraints constraints, Set<Worker> exclude) {
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

  /**
   * Why {@link #eligible} found nobody, for the 503 message.
   *
   * @param what the kind of worker looked for, e.g. "worker" or "prefill worker"
   */
  public static String unavailableReason(List<Worker> pool, WorkerConstraints constraints, String model, String what) {
    boolean anyAvailable = pool.stream().anyMatch(Worker::isAvailable);
    if (!anyAvailable || constraints.isNone()) return "no healthy " + what + " can serve model '" + model + "' right now";
    return "no healthy " + what + " of model '" + model + "' meets the request's " + constraints;
  }
}
