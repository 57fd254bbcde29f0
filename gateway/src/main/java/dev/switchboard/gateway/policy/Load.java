package dev.switchboard.gateway.policy;

import dev.switchboard.gateway.worker.Worker;

/** A worker's load in requests, as the load-aware policies compare it. */
public final class Load {
  private Load() {}

  /**
   * The gateway's own in-flight count (exact and current) plus the work the worker reported beyond it at the last
   * {@code /get_load} poll, i.e. requests other clients or gateways put there. Without a report: in-flight only.
   */
  public static long of(Worker w) {
    long own = w.inFlight();
    long reported = w.reportedLoad();
    if (reported < 0) return own;
    return own + Math.max(0, reported - w.inFlightAtReport());
  }
}
