package dev.switchboard.bench.load;

import java.util.Arrays;

/** What one closed-loop load run measured. Latencies are whole request → last byte, in microseconds. */
public record LoadResult(long requests, long errors, double seconds, long[] latenciesMicros) {

  public double requestsPerSecond() {
    return requests / seconds;
  }

  /** The q-quantile (0..1) of latency in microseconds, nearest-rank. */
  public long percentileMicros(double q) {
    if (latenciesMicros.length == 0) return 0;
    long[] sorted = latenciesMicros.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(rank, sorted.length - 1))];
  }
}
