package dev.switchboard.bench.routing;

/**
 * One policy's result on one workload.
 *
 * @param hitRate cached prompt tokens / prompt tokens, summed over the simulated workers
 * @param replicas gateway replicas the clients were spread over
 */
public record RoutingRow(String workload, String policy, int requests, int errors, double requestsPerSec,
    double outputTokensPerSec, double hitRate, double ttftP50Ms, double ttftP99Ms, double e2eP50Ms, double e2eP99Ms,
    long maxPerWorker, long minPerWorker, double wallSecs, int replicas) {}
