package dev.switchboard.gateway.policy.radix;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RadixTreeTest {
  private final AtomicLong clock = new AtomicLong(1_000);
  private final RadixTree<String> tree = new RadixTree<>(clock::get);

  private int[] depths(String text, boolean partial, String... tenants) {
    return tree.match(text, List.of(tenants), partial).depths();
  }

  @Test
  void matchReportsEachTenantsDeepestPrefix() {
    tree.insert("hello world", "a");
    tree.insert("hello there", "b");

    assertThat(depths("hello world, again", true, "a", "b")).containsExactly(11, 6);
    assertThat(depths("hello thermos", true, "a", "b")).containsExactly(6, 10);
    assertThat(depths("goodbye", true, "a", "b")).containsExactly(0, 0);
    assertThat(depths("hello world", true, "c")).containsExactly(0); // unknown tenant
    tree.verify();
  }

  @Test
  void wholeEdgeMatchingStopsAtTheFirstPartialEdgeLikeTheReference() {
    tree.insert("hello world", "a");
    RadixTree.Match<String> m = tree.match("hello there", List.of("a"), false);
    assertThat(m.depths()).containsExactly(0);
    assertThat(m.deepest()).isZero();

    tree.insert("hello there", "b"); // splits "hello " off
    m = tree.match("hello thermos", List.of("a", "b"), false);
    assertThat(m.deepest()).isEqualTo(6);
    assertThat(m.deepestTenant()).isEqualTo("a"); // first tenant recorded on the "hello " node
    assertThat(m.depths()).containsExactly(6, 6);
  }

  @Test
  void charCountsAreTheDistinctPrefixesEachTenantHolds() {
    tree.insert("abcdef", "a");
    tree.insert("abcxyz", "a");
    tree.insert("abc", "b");
    assertThat(tree.chars("a")).isEqualTo(9); // abc + def + xyz
    assertThat(tree.chars("b")).isEqualTo(3);
    assertThat(tree.labelChars()).isEqualTo(9);
    assertThat(tree.smallestTenant()).isEqualTo("b");
    tree.verify();
  }

  @Test
  void removingATenantForgetsItAndDropsNodesNobodyHolds() {
    tree.insert("shared prefix one", "a");
    tree.insert("shared prefix two", "b");
    tree.insert("only a has this", "a");

    tree.removeTenant("a");

    assertThat(tree.chars("a")).isZero();
    assertThat(depths("only a has this", true, "a", "b")).containsExactly(0, 0);
    assertThat(depths("shared prefix two", true, "b")).containsExactly(17);
    assertThat(tree.labelChars()).isEqualTo("shared prefix two".length());
    assertThat(tree.charsByTenant()).containsOnlyKeys("b");
    tree.verify();

    tree.insert("new tenant reuses the slot", "c");
    assertThat(depths("only a has this", true, "c")).containsExactly(0);
    assertThat(tree.chars("c")).isEqualTo(26);
    tree.verify();
  }

  @Test
  void evictionRemovesTheOldestLeavesUntilEachTenantFitsItsBudget() {
    tree.insert("common-old", "a");
    clock.addAndGet(1_000);
    tree.insert("common-new", "a");
    tree.insert("common-new", "b");
    assertThat(tree.chars("a")).isEqualTo(13); // common- + old + new

    long evicted = tree.evict(10);

    assertThat(evicted).isEqualTo(3);
    assertThat(depths("common-old", true, "a")).containsExactly(7);
    assertThat(depths("common-new", true, "a", "b")).containsExactly(10, 10);
    assertThat(tree.chars("a")).isEqualTo(10);
    tree.verify();

    assertThat(tree.evict(3)).isEqualTo(20); // each tenant's 10 characters go: a budget of 3 cannot keep a 7-char node
    assertThat(tree.labelChars()).isZero();
    assertThat(tree.chars("a")).isZero();
    assertThat(tree.chars("b")).isZero();
    tree.verify();
  }

  @Test
  void emptyTextRegistersATenantWithNothingCached() {
    tree.addTenant("idle");
    tree.insert("busy text", "busy");
    assertThat(tree.smallestTenant()).isEqualTo("idle");
    assertThat(tree.match("", List.of("idle"), true).rate(0)).isZero();
  }
}
