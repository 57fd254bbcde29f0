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

  /** {@code buffered}: today's tree (lock-free match, insert buffer); {@code locked}: the one-lock tree before it. */
  @Param({"buffered", "locked"}) String impl;

  /** Whether an evictor thread trims the tree to a budget every 50 ms meanwhile (contention with a long change). */
  @Param({"false", "true"}) boolean evicting;

  /** The two trees' common surface, so both run the same steps. */
  interface Tree {
    int[] match(String text, List<String> tenants);

    void insert(String text, String tenant);

    void addTenant(String tenant);

    long evict(long maxChars);
  }

  private Tree tree;
  private Thread evictor;
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
    tree = switch (impl) {
      case "buffered" -> {
        RadixTree<String> t = new RadixTree<>();
        yield new Tree() {
          public int[] match(String text, List<String> c) { return t.match(text, c, true).depths(); }
          public void insert(String text, String tenant) { t.insert(text, tenant); }
          public void addTenant(String tenant) { t.addTenant(tenant); }
          public long evict(long maxChars) { return t.evict(maxChars); }
        };
      }
      case "locked" -> {
        LockedRadixTree<String> t = new LockedRadixTree<>();
        yield new Tree() {
          public int[] match(String text, List<String> c) { return t.match(text, c, true).depths(); }
          public void insert(String text, String tenant) { t.insert(text, tenant); }
          public void addTenant(String tenant) { t.addTenant(tenant); }
          public long evict(long maxChars) { return t.evict(maxChars); }
        };
      }
      default -> throw new IllegalArgumentException(impl);
    };
    tenants.forEach(tree::addTenant);
    if (evicting) {
      // a budget of about half of what each tenant gathers, so every pass has work to do
      long budget = (long) systemWords * 6 * groups / tenants.size() / 2;
      evictor = Thread.ofPlatform().daemon().name("bench-evictor").start(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          tree.evict(budget);
          try {
            Thread.sleep(50);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
    }
  }

  @org.openjdk.jmh.annotations.TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    if (evictor != null) {
      evictor.interrupt();
      evictor.join();
    }
  }

  private int step() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    String text = texts[r.nextInt(texts.length)];
    int[] depths = tree.match(text, tenants);
    int best = 0;
    for (int i = 1; i < depths.length; i++) if (depths[i] > depths[best]) best = i;
    int tenant = depths[best] > 0 && r.nextInt(8) != 0 ? best : r.nextInt(tenants.size());
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

  /** The latency of one step, as an event loop sees it: p99 and p99.9 show the waits for a running change. */
  @Benchmark
  @Threads(2)
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public int stepLatency2Threads() {
    return step();
  }
}
