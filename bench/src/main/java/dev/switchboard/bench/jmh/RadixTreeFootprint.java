package dev.switchboard.bench.jmh;

import dev.switchboard.gateway.policy.radix.RadixTree;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Locale;

/**
 * Heap bytes per cached character of the cache-aware tree: builds a tree from the shared-prefix shape (8
 * tenants, each group's texts under one tenant) and compares live heap before and after, after full GCs.
 * Run: {@code java -cp <bench classpath> dev.switchboard.bench.jmh.RadixTreeFootprint}.
 */
public final class RadixTreeFootprint {
  private RadixTreeFootprint() {}

  public static void main(String[] args) throws Exception {
    int groups = 64;
    int questions = 64;
    String[] texts = RadixTreeBenchmark.sharedPrefixTexts(7, groups, questions, 2048, 128);
    long inserted = 0;
    for (String t : texts) inserted += t.length();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long before = liveHeap(memory);
    RadixTree<String> tree = new RadixTree<>();
    for (int i = 0; i < texts.length; i++) tree.insert(texts[i], "w" + (i / questions) % 8);
    long after = liveHeap(memory);
    long bytes = after - before;
    System.out.printf(Locale.ROOT, "texts %d, characters inserted %d, distinct cached characters %d, nodes %d%n",
        texts.length, inserted, tree.labelChars(), tree.nodeCount());
    System.out.printf(Locale.ROOT, "tree heap %.1f MB: %.2f bytes per distinct cached character, %.3f per inserted character%n",
        bytes / 1e6, (double) bytes / tree.labelChars(), (double) bytes / inserted);
    if (tree.nodeCount() < 0) System.out.println(texts.length); // keep the texts and the tree reachable
  }

  private static long liveHeap(MemoryMXBean memory) throws InterruptedException {
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
