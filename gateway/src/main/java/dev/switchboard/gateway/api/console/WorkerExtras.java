package dev.switchboard.gateway.api.console;

import dev.switchboard.gateway.worker.Worker;

/**
 * What other parts of the gateway may know about a worker, shown by the console when they know it. Each method is
 * called on an event loop when the console's picture is rebuilt: cheap reads only.
 */
public interface WorkerExtras {
  WorkerExtras NONE = new WorkerExtras() {};

  /** The circuit breaker's state ({@code closed}, {@code open}, {@code half_open}), or null without breakers. */
  default String breakerState(Worker worker) { return null; }

  /** Share (0–1) of recent requests whose prefix the worker already held, or null when unknown. */
  default Double prefixHitShare(Worker worker) { return null; }
}
