package dev.switchboard.bench.text;

import dev.switchboard.bench.jmh.ChatTemplateBenchmark;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Renders per CPU-second of {@link ChatTemplateBenchmark}'s workloads, measured with the rendering thread's CPU
 * time instead of wall time, so that the figure stays meaningful on a machine shared with other work (where JMH's
 * wall-clock throughput mostly measures the neighbours). Usage: {@code java -cp ... ChatTemplateCpuTime [render|chatPrompt] [rounds]}.
 */
public final class ChatTemplateCpuTime {
  private ChatTemplateCpuTime() {}

  public static void main(String[] args) throws Exception {
    String which = args.length > 0 ? args[0] : "render";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    ChatTemplateBenchmark benchmark = new ChatTemplateBenchmark();
    benchmark.setUp();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long sink = 0;
    for (int round = 0; round < rounds; round++) {
      long cpuStart = threads.getCurrentThreadCpuTime();
      long wallStart = System.nanoTime();
      long n = 0;
      while (threads.getCurrentThreadCpuTime() - cpuStart < 2_000_000_000L) {
        for (int i = 0; i < 100; i++) {
          sink += (which.equals("chatPrompt") ? benchmark.chatPrompt() : benchmark.render()).length();
        }
        n += 100;
      }
      long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
      long wall = System.nanoTime() - wallStart;
      System.out.printf("%s round %d: %.0f renders per CPU-second (wall-clock %.0f/s)%n",
          which, round, n * 1e9 / cpu, n * 1e9 / wall);
    }
    System.out.println("checksum " + sink);
  }
}
