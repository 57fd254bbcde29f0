package dev.switchboard.bench.load;

/** What one load run measured, reduced to the figures the overhead table prints. Latencies in microseconds. */
public record LoadStats(long requests, long errors, double requestsPerSecond, long p50Micros, long p99Micros) {

  public static LoadStats of(LoadResult r) {
    return new LoadStats(r.requests(), r.errors(), r.requestsPerSecond(), r.percentileMicros(0.5), r.percentileMicros(0.99));
  }
}
