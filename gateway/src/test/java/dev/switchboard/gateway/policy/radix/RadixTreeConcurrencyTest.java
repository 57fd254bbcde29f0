package dev.switchboard.gateway.policy.radix;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Hammers one tree from several threads and checks it against a simple model: per tenant, the set of strings
 * inserted for it. With partial edges counted, a tenant's match depth during the run never exceeds the longest
 * common prefix of the text with any of its strings; once the threads are done it is exactly that, and its
 * character count the number of distinct prefixes of its strings. Also: inserts never wait for a running change
 * (they buffer), and matches never wait at all.
 */
class RadixTreeConcurrencyTest {
  private static final int THREADS = 4;
  private static final int OPS_PER_THREAD = 4_000;
  private static final List<String> KEPT = List.of("w0", "w1", "w2", "w3");
  private static final List<String> DROPPED = List.of("x0", "x1");

  /** Strings over a 3-letter alphabet with shared stems, so inserts split and share nodes constantly. */
  private static String randomText(Random r) {
    String[] stems = {"", "aab", "abca", "bbbacab", "cacacacab"};
    StringBuilder sb = new StringBuilder(stems[r.nextInt(stems.length)]);
    int len = 1 + r.nextInt(12);
    for (int i = 0; i < len; i++) sb.append((char) ('a' + r.nextInt(3)));
    return sb.toString();
  }

  private static int lcp(String a, String b) {
    int n = Math.min(a.length(), b.length());
    int i = 0;
    while (i < n && a.charAt(i) == b.charAt(i)) i++;
    return i;
  }

  private static int modelDepth(Set<String> strings, String text) {
    int best = 0;
    for (String s : strings) best = Math.max(best, lcp(s, text));
    return best;
  }

  private static long distinctPrefixes(Set<String> strings) {
    Set<String> prefixes = new HashSet<>();
    for (String s : strings) {
      for (int i = 1; i <= s.length(); i++) prefixes.add(s.substring(0, i));
    }
    return prefixes.size();
  }

  private record Observation(String tenant, String text, int depth) {}

  @Test
  void concurrentInsertsMatchesRemovalsAndEvictionAgreeWithTheModel() throws Exception {
    RadixTree<String> tree = new RadixTree<>();
    Map<String, Set<String>> model = new ConcurrentHashMap<>();
    for (String t : KEPT) model.put(t, ConcurrentHashMap.newKeySet());
    for (String t : DROPPED) model.put(t, ConcurrentHashMap.newKeySet());
    List<Observation> observed = java.util.Collections.synchronizedList(new ArrayList<>());
    CyclicBarrier phase = new CyclicBarrier(THREADS);

    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int id = t;
        futures.add(pool.submit(() -> {
          Random r = new Random(1234 + id);
          for (int op = 0; op < OPS_PER_THREAD; op++) {
            boolean phaseTwo = op >= OPS_PER_THREAD / 2;
            if (op == OPS_PER_THREAD / 2) {
              phase.await(); // nobody inserts for the dropped tenants any more
              if (id < DROPPED.size()) tree.removeTenant(DROPPED.get(id));
            }
            List<String> tenants = phaseTwo ? KEPT : (r.nextBoolean() ? KEPT : DROPPED);
            String tenant = tenants.get(r.nextInt(tenants.size()));
            String text = randomText(r);
            if (r.nextInt(3) > 0) {
              model.get(tenant).add(text); // recorded before the insert: the model is never behind the tree
              tree.insert(text, tenant); // applied now, or buffered while another thread writes
              observed.add(new Observation(tenant, text, tree.match(text, List.of(tenant), true).depths()[0]));
            } else {
              String probe = KEPT.get(r.nextInt(KEPT.size()));
              observed.add(new Observation(probe, text, tree.match(text, List.of(probe), true).depths()[0]));
            }
          }
          return null;
        }));
      }
      for (Future<?> f : futures) f.get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }

    tree.verify(); // applies what is still buffered
    assertThat(tree.pendingInserts()).isZero();
    assertThat(tree.droppedInserts()).isZero();
    for (Observation o : observed) {
      assertThat(o.depth).as("depth of %s for %s never exceeds what was inserted", o.text, o.tenant)
          .isLessThanOrEqualTo(modelDepth(model.get(o.tenant), o.text));
    }
    Random r = new Random(99);
    for (int i = 0; i < 2_000; i++) {
      String text = randomText(r);
      int[] depths = tree.match(text, KEPT, true).depths();
      for (int k = 0; k < KEPT.size(); k++) {
        assertThat(depths[k]).as("%s for %s", text, KEPT.get(k)).isEqualTo(modelDepth(model.get(KEPT.get(k)), text));
      }
      assertThat(tree.match(text, DROPPED, true).depths()).containsOnly(0);
    }
    Set<String> all = new HashSet<>();
    for (String t : KEPT) {
      assertThat(tree.chars(t)).as("chars of %s", t).isEqualTo(distinctPrefixes(model.get(t)));
      all.addAll(model.get(t));
    }
    assertThat(tree.charsByTenant()).containsOnlyKeys(KEPT);
    assertThat(tree.labelChars()).isEqualTo(distinctPrefixes(all));
  }

  @Test
  void evictionRunningAlongsideInsertsKeepsTheTreeConsistent() throws Exception {
    RadixTree<String> tree = new RadixTree<>();
    long budget = 200;
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        int id = t;
        futures.add(pool.submit(() -> {
          Random r = new Random(id);
          for (int op = 0; op < 5_000; op++) tree.insert(randomText(r), KEPT.get(r.nextInt(KEPT.size())));
          return null;
        }));
      }
      futures.add(pool.submit(() -> {
        for (int i = 0; i < 200; i++) {
          tree.evict(budget);
          tree.verify();
        }
        return null;
      }));
      for (Future<?> f : futures) f.get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    tree.evict(budget);
    tree.verify();
    for (String t : KEPT) assertThat(tree.chars(t)).isLessThanOrEqualTo(budget);
  }

  @Test
  void anUncontendedInsertIsVisibleToTheNextMatch() {
    RadixTree<String> tree = new RadixTree<>();
    tree.insert("hello world", "w0");
    assertThat(tree.pendingInserts()).isZero();
    assertThat(tree.match("hello world", List.of("w0"), true).depths()).containsExactly(11);
  }

  @Test
  void insertsDuringAChangeBufferWithoutWaitingAndApplyWhenItEnds() throws Exception {
    RadixTree<String> tree = new RadixTree<>();
    tree.insert("abc", "w0");
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      tree.whileWriting(() -> {
        try {
          // another thread (an event loop) inserts and matches while this one holds the writer lock
          other.submit(() -> tree.insert("abcdef", "w1")).get(10, TimeUnit.SECONDS);
          assertThat(tree.pendingInserts()).isEqualTo(1);
          int[] depths = other.submit(() -> tree.match("abcdef", List.of("w0", "w1"), true).depths()).get(10, TimeUnit.SECONDS);
          assertThat(depths).containsExactly(3, 0);
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });
    } finally {
      other.shutdownNow();
    }
    assertThat(tree.pendingInserts()).isZero();
    assertThat(tree.match("abcdef", List.of("w0", "w1"), true).depths()).containsExactly(3, 6);
    tree.verify();
  }

  @Test
  void aFullBufferDropsInsertsInsteadOfGrowingAndDrainsInBoundedBatches() throws Exception {
    RadixTree<String> tree = new RadixTree<>();
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      tree.whileWriting(() -> {
        try {
          other.submit(() -> {
            for (int i = 0; i < RadixTree.MAX_PENDING + 10; i++) tree.insert("t" + i, "w0");
          }).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new AssertionError(e);
        }
        assertThat(tree.pendingInserts()).isEqualTo(RadixTree.MAX_PENDING);
        assertThat(tree.droppedInserts()).isEqualTo(10);
      });
    } finally {
      other.shutdownNow();
    }
    // letting go applied one bounded batch; a later insert two more (before its own, and as it lets go); a change the rest
    assertThat(tree.pendingInserts()).isEqualTo(RadixTree.MAX_PENDING - RadixTree.DRAIN_BATCH);
    tree.insert("one more", "w0");
    assertThat(tree.pendingInserts()).isEqualTo(RadixTree.MAX_PENDING - 3 * RadixTree.DRAIN_BATCH);
    tree.verify();
    assertThat(tree.pendingInserts()).isZero();
    assertThat(tree.match("t" + (RadixTree.MAX_PENDING - 1), List.of("w0"), true).depths()[0]).isPositive();
  }
}
