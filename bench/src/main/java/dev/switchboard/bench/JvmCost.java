package dev.switchboard.bench;

import java.lang.management.ManagementFactory;

/**
 * CPU time and heap allocation of this whole JVM over an interval. When the load comes from another process
 * (wrk), the gateway is what runs here, so divided by the requests it is the gateway's cost per request.
 */
record JvmCost(long cpuNanos, long allocatedBytes) {
  record PerRequest(double cpuMicros, double allocatedBytes) {}

  static JvmCost start() {
    return new JvmCost(cpu(), allocated());
  }

  PerRequest per(long requests) {
    long n = Math.max(1, requests);
    return new PerRequest((cpu() - cpuNanos) / 1e3 / n, (double) (allocated() - allocatedBytes) / n);
  }

  private static long cpu() {
    return ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class).getProcessCpuTime();
  }

  private static long allocated() {
    return ManagementFactory.getPlatformMXBean(com.sun.management.ThreadMXBean.class).getTotalThreadAllocatedBytes();
  }
}
