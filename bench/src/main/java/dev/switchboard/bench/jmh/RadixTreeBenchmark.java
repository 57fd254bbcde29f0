package dev.switchboard.bench.jmh;

import dev.switchboard.gateway.policy.radix.RadixTree;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * One cache-aware routing decision's tree work: match a request's text against 8 tenants, then insert it under
 * one of them. Texts have the shared-prefix shape (a group's system prompt plus a question), drawn from
 * {@code groups x questions} distinct texts, so the tree holds a few megabytes and keeps splitting and touching.
 * Run: {@code java -cp <bench classpath> org.openjdk.jmh.Main RadixTreeBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class RadixTreeBenchmark {
  @Param("2048") int systemWords;
  @Param("128") int questionWords;
  @Param("64") int groups;
  @Param("64") int questions;

  private RadixTree<String> tree;
  private String[] texts;
  private final List<String> tenants = List.of("w0", "w1", "w2", "w3", "w4", "w5", "w6", "w7");

  static String words(Random r, int n) {
    StringBuilder sb = new StringBuilder(n * 7);
    for (int i = 0; i < n; i++) {
      if (i > 0) sb.append(' ');
      int len = 3 + r.nextInt(6);
      for (int k = 0; k < len; k++) sb.append((char) ('a' + r.nextInt(26)));
    }
    return sb.toString();
  }

  static String[] sharedPrefixTexts(long seed, int groups, int questions, int systemWords, int questionWords) {
    Random r = new Random(seed);
    List<String> out = new ArrayList<>(groups * questions);
    for (int g = 0; g < groups; g++) {
      String system = words(r, systemWords);
      for (int q = 0; q < questions; q++) out.add(system + "\n\n" + words(r, questionWords));
    }
    return out.toArray(String[]::new);
  }

  @Setup(Level.Trial)
  public void setUp() {
    texts = sharedPrefixTexts(7, groups, questions, systemWords, questionWords);
    tree = new RadixTree<>();
    tenants.forEach(tree::addTenant);
  }

  private int step() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    String text = texts[r.nextInt(texts.length)];
    RadixTree.Match<String> m = tree.match(text, tenants, true);
    int best = 0;
    for (int i = 1; i < m.depths().length; i++) if (m.depths()[i] > m.depths()[best]) best = i;
    int tenant = m.depths()[best] > 0 && r.nextInt(8) != 0 ? best : r.nextInt(tenants.size());
    tree.insert(text, tenants.get(tenant));
    return tenant;
  }

  @Benchmark
  @Threads(1)
  public int matchInsert1Thread() {
    return step();
  }

  @Benchmark
  @Threads(2)
  public int matchInsert2Threads() {
    return step();
  }
}
