package dev.switchboard.gateway.config;

import java.time.Duration;

/**
 * {@code gateway.timeouts} (and {@code models.M.timeouts}): the deadlines of every attempt, HTTP and gRPC alike.
 * Zero means no limit.
 *
 * @param connect connecting to a worker, including the wait for a pooled connection
 * @param firstByte from dispatch to the first byte of the worker's answer body (a stream's first event)
 * @param idle the longest silence between two chunks of an answer
 * @param total all attempts of one request together
 */
public record Timeouts(Duration connect, Duration firstByte, Duration idle, Duration total) {
  /**
   * Defaults: a worker that cannot be reached in 10 s is down; 10 minutes covers a long non-streamed generation
   * behind a queue; a stream silent for 60 s is stalled (token gaps are milliseconds, preemption a few seconds);
   * no overall limit, since a long generation that keeps streaming is healthy.
   */
  public static final Timeouts DEFAULTS = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(600),
      Duration.ofSeconds(60), Duration.ZERO);

  public Timeouts withConnect(Duration d) { return new Timeouts(d, firstByte, idle, total); }
  public Timeouts withFirstByte(Duration d) { return new Timeouts(connect, d, idle, total); }
  public Timeouts withIdle(Duration d) { return new Timeouts(connect, firstByte, d, total); }
  public Timeouts withTotal(Duration d) { return new Timeouts(connect, firstByte, idle, d); }
}
