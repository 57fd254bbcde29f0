package dev.switchboard.gateway.policy;

import static dev.switchboard.gateway.policy.TestWorkers.load;
import static dev.switchboard.gateway.policy.TestWorkers.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.worker.Worker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsistentHashPolicyTest {
  private static final int KEYS = 2_000;
  private final TestWorkers workers = new TestWorkers();

  private static SelectionContext session(String id) {
    return request("", Map.of("x-session-id", id), null);
  }

  private static Map<String, Worker> placeAll(Policy p, List<Worker> candidates) {
    Map<String, Worker> out = new HashMap<>();
    for (int i = 0; i < KEYS; i++) out.put("s" + i, p.pick(candidates, session("s" + i)));
    return out;
  }

  @Test
  void aKeyAlwaysLandsOnTheSameWorkerAndKeysSpreadOverAll() {
    List<Worker> eight = workers.add(8);
    Policy p = Policies.create(PolicySpec.named("consistent_hash"));
    eight.forEach(p::workerAdded);
    Map<String, Worker> placed = placeAll(p, eight);
    assertThat(placeAll(p, eight)).isEqualTo(placed);
    Map<Worker, Integer> perWorker = new HashMap<>();
    placed.values().forEach(w -> perWorker.merge(w, 1, Integer::sum));
    assertThat(perWorker).hasSize(8);
    assertThat(perWorker.values()).allSatisfy(n -> assertThat(n).isBetween(KEYS / 8 / 2, KEYS / 8 * 2));
  }

  @Test
  void theBodyUserIsTheKeyWhenThereIsNoSessionHeader() {
    List<Worker> eight = workers.add(8);
    Policy p = Policies.create(PolicySpec.named("consistent_hash"));
    eight.forEach(p::workerAdded);
    assertThat(p.pick(eight, request("", Map.of(), "alice"))).isSameAs(p.pick(eight, session("alice")));
  }

  @Test
  void aLeavingWorkerMovesOnlyItsOwnKeysAndAJoiningOneTakesAFairShare() {
    List<Worker> eight = workers.add(8);
    Policy p = Policies.create(PolicySpec.named("consistent_hash"));
    eight.forEach(p::workerAdded);
    Map<String, Worker> before = placeAll(p, eight);

    Worker leaving = eight.get(3);
    p.workerRemoved(leaving);
    List<Worker> seven = new ArrayList<>(eight);
    seven.remove(leaving);
    Map<String, Worker> after = placeAll(p, seven);
    for (String k : before.keySet()) {
      if (before.get(k) != leaving) assertThat(after.get(k)).as(k).isSameAs(before.get(k));
    }

    Worker joining = workers.add("http://new:1");
    p.workerAdded(joining);
    seven.add(joining);
    Map<String, Worker> joined = placeAll(p, seven);
    long moved = before.keySet().stream().filter(k -> joined.get(k) != after.get(k)).count();
    assertThat(joined.values().stream().filter(w -> w == joining).count()).isEqualTo(moved); // only to the newcomer
    assertThat(moved).isBetween((long) KEYS / 8 / 2, (long) KEYS / 8 * 2);
  }

  @Test
  void aHotKeySpillsToTheNextWorkerOnceItsHomeIsFull() {
    List<Worker> four = workers.add(4);
    Policy p = Policies.create(new PolicySpec("consistent_hash", Map.of("capacity_floor", 2, "load_factor", 1.25)));
    four.forEach(p::workerAdded);
    Worker home = p.pick(four, session("hot"));
    load(home, 2); // capacity = max(2, ceil(1.25 * 3 / 4)) = 2: home is full
    Worker spill = p.pick(four, session("hot"));
    assertThat(spill).isNotSameAs(home);
    assertThat(p.pick(four, session("hot"))).isSameAs(spill); // the spill target is stable too
  }

  @Test
  void withoutAKeyTheLeastLoadedCandidateWins() {
    List<Worker> three = workers.add(3);
    load(three.get(0), 2);
    load(three.get(2), 1);
    Policy p = Policies.create(PolicySpec.named("consistent_hash"));
    three.forEach(p::workerAdded);
    for (int i = 0; i < 20; i++) assertThat(p.pick(three, request("", Map.of(), null))).isSameAs(three.get(1));
  }
}
