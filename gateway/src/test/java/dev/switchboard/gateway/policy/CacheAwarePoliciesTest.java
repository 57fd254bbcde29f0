package dev.switchboard.gateway.policy;

import static dev.switchboard.gateway.policy.TestWorkers.load;
import static dev.switchboard.gateway.policy.TestWorkers.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.policy.radix.CacheAwarePolicy;
import dev.switchboard.gateway.worker.Worker;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheAwarePoliciesTest {
  private static final String SYSTEM = "You are a careful assistant for the billing team. ".repeat(8);
  private final TestWorkers workers = new TestWorkers();
  private final List<Worker> four = workers.add(4);

  private Policy create(String name, Map<String, Object> params) {
    Policy p = Policies.create(new PolicySpec(name, params));
    four.forEach(p::workerAdded);
    return p;
  }

  @Test
  void requestsSharingAPrefixStayOnOneWorkerAndNewPrefixesSpreadByLoad() {
    Policy p = create("cache_aware", Map.of());
    Worker first = p.pick(four, text(SYSTEM + "question one"));
    load(first, 1);
    for (int i = 0; i < 5; i++) assertThat(p.pick(four, text(SYSTEM + "question " + i))).isSameAs(first);

    Worker other = p.pick(four, text("A completely different conversation about the weather"));
    assertThat(other).isNotSameAs(first); // a miss goes to an idle worker, not the busy one
  }

  @Test
  void onAMissTheLeastLoadedWinsEvenIfItsTreeIsTheLargest() {
    Policy p = create("cache_aware", Map.of());
    Worker w0 = four.get(0);
    for (int i = 0; i < 3; i++) p.pick(List.of(w0), text("history " + i + " " + SYSTEM)); // w0 holds the most text
    for (int i = 1; i < 4; i++) load(four.get(i), 2);
    assertThat(p.pick(four, text("something nobody has seen"))).isSameAs(w0);
  }

  @Test
  void idleWorkersAreUsedInTurnOnMissesAtLowConcurrency() {
    Policy p = create("cache_aware", Map.of());
    java.util.Set<Worker> used = new java.util.HashSet<>();
    for (String t : List.of("apples and pears", "bicycles", "cold weather", "dinosaur bones")) used.add(p.pick(four, text(t)));
    assertThat(used).containsExactlyInAnyOrderElementsOf(four);
  }

  @Test
  void localityIsKeptWhileTheMatchedWorkerIsOnlyMildlyBusierThanTheLeastLoaded() {
    Policy p = create("cache_aware", Map.of("balance_abs_threshold", 4, "balance_rel_threshold", 1.5));
    Worker home = p.pick(four, text(SYSTEM + "first"));
    load(home, 4); // 4 above the idle ones: within the window
    assertThat(p.pick(four, text(SYSTEM + "second"))).isSameAs(home);
    load(home, 1); // 5 above: overloaded
    Worker moved = p.pick(four, text(SYSTEM + "third"));
    assertThat(moved).isNotSameAs(home);
    // the new worker now holds the prefix too: the next request prefers it over the overloaded home
    assertThat(p.pick(four, text(SYSTEM + "fourth"))).isSameAs(moved);
  }

  @Test
  void aBusyWorkerElsewhereDoesNotCostOtherRequestsTheirLocality() {
    Map<String, Object> params = Map.of("balance_abs_threshold", 4);
    Policy improved = create("cache_aware", params);
    Policy classic = create("cache_aware_classic", params);
    for (Policy p : List.of(improved, classic)) {
      p.pick(List.of(four.get(1)), text(SYSTEM + "warm"));
    }
    load(four.get(3), 10); // an unrelated hot spot
    assertThat(improved.pick(four, text(SYSTEM + "next"))).isSameAs(four.get(1));
    assertThat(classic.pick(four, text(SYSTEM + "next"))).isSameAs(four.get(0)); // reference: shortest queue
  }

  @Test
  void classicSendsMissesToTheSmallestTreeWhateverItsLoad() {
    Policy p = create("cache_aware_classic", Map.of());
    for (int i = 1; i < 4; i++) p.pick(List.of(four.get(i)), text("warm " + i));
    load(four.get(0), 20);
    assertThat(p.pick(four, text("never seen before"))).isSameAs(four.get(0));
  }

  @Test
  void aWorkerThatLeavesIsRemovedFromTheTree() {
    CacheAwarePolicy p = (CacheAwarePolicy) create("cache_aware", Map.of());
    Worker home = p.pick(four, text(SYSTEM));
    assertThat(p.tree().chars(home)).isEqualTo(SYSTEM.length());
    p.workerRemoved(home);
    assertThat(p.tree().charsByTenant()).doesNotContainKey(home);
    assertThat(p.tree().labelChars()).isZero();
  }
}
