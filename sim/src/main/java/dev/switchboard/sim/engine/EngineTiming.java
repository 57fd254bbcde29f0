package dev.switchboard.sim.engine;

/**
 * Latency model of the step scheduler, in nanoseconds.
 *
 * @param ttftNanos           fixed delay before a request enters the queue
 * @param stepNanos           one decode step for up to {@code batchLimit} running requests
 * @param prefillNanosPerToken prefill cost per uncached prompt token
 * @param maxRunning          requests admitted at once
 * @param batchLimit          requests one step serves at {@code stepNanos}
 */
public record EngineTiming(long ttftNanos, long stepNanos, long prefillNanosPerToken, int maxRunning, int batchLimit) {
}
