package dev.switchboard.gateway.policy;

import dev.switchboard.gateway.worker.Worker;

/**
 * What a client may demand of the worker that serves it: header {@code x-worker-priority} (the minimum worker
 * priority) and {@code x-max-cost} (the maximum worker cost).
 */
public record WorkerConstraints(int minPriority, double maxCost) {
  public static final String MIN_PRIORITY_HEADER = "x-worker-priority";
  public static final String MAX_COST_HEADER = "x-max-cost";
  public static final WorkerConstraints NONE = new WorkerConstraints(Integer.MIN_VALUE, Double.POSITIVE_INFINITY);

  /** Reads the headers of {@code request}; throws {@link IllegalArgumentException} naming a malformed header. */
  public static WorkerConstraints of(SelectionContext request) {
    if (request == null) return NONE;
    String p = request.header(MIN_PRIORITY_HEADER);
    String c = request.header(MAX_COST_HEADER);
    if (p == null && c == null) return NONE;
    int minPriority = Integer.MIN_VALUE;
    double maxCost = Double.POSITIVE_INFINITY;
    if (p != null) {
      try {
        minPriority = Integer.parseInt(p.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("header " + MIN_PRIORITY_HEADER + " must be an integer, not '" + p + "'");
      }
    }
    if (c != null) {
      try {
        maxCost = Double.parseDouble(c.strip());
      } catch (NumberFormatException e) {
        maxCost = Double.NaN;
      }
      if (Double.isNaN(maxCost) || maxCost < 0) {
        throw new IllegalArgumentException("header " + MAX_COST_HEADER + " must be a non-negative number, not '" + c + "'");
      }
    }
    return new WorkerConstraints(minPriority, maxCost);
  }

  public boolean admits(Worker w) {
    return w.priority() >= minPriority && w.cost() <= maxCost;
  }

  public boolean isNone() {
    return minPriority == Integer.MIN_VALUE && maxCost == Double.POSITIVE_INFINITY;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    if (minPriority != Integer.MIN_VALUE) sb.append("priority >= ").append(minPriority);
    if (maxCost != Double.POSITIVE_INFINITY) sb.append(sb.isEmpty() ? "" : " and ").append("cost <= ").append(maxCost);
    return sb.isEmpty() ? "no constraint" : sb.toString();
  }
}
