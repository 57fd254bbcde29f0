package dev.switchboard.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.WorkerSpec;
import dev.switchboard.gateway.worker.WorkerType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CandidatesTest {
  private final TestWorkers workers = new TestWorkers();
  private final Worker gold = workers.add(spec("http://gold:1", 90, 4.0));
  private final Worker gold2 = workers.add(spec("http://gold2:1", 90, 2.0));
  private final Worker standard = workers.add(spec("http://std:1", 50, 1.0));
  private final Worker cheap = workers.add(spec("http://cheap:1", 10, 0.2));
  private final List<Worker> pool = List.of(cheap, standard, gold, gold2);

  private static WorkerSpec spec(String url, int priority, double cost) {
    return WorkerSpec.of(url, "m", WorkerType.REGULAR, ConnectionMode.HTTP).withPriority(priority).withCost(cost);
  }

  private static WorkerConstraints headers(Map<String, String> h) {
    return WorkerConstraints.of(TestWorkers.request("", h, null));
  }

  @Test
  void onlyTheHighestAvailablePriorityTierIsOffered() {
    assertThat(Candidates.eligible(pool, WorkerConstraints.NONE, Set.of())).containsExactly(gold, gold2);
    workers.setHealthy(gold, false);
    assertThat(Candidates.eligible(pool, WorkerConstraints.NONE, Set.of())).containsExactly(gold2);
    assertThat(Candidates.eligible(pool, WorkerConstraints.NONE, Set.of(gold2))).containsExactly(standard);
  }

  @Test
  void clientHeadersSetAMinimumPriorityAndAMaximumCost() {
    assertThat(Candidates.eligible(pool, headers(Map.of("x-max-cost", "1.5")), Set.of())).containsExactly(standard);
    assertThat(Candidates.eligible(pool, headers(Map.of("x-max-cost", "2")), Set.of())).containsExactly(gold2);
    assertThat(Candidates.eligible(pool, headers(Map.of("x-max-cost", "0.5")), Set.of())).containsExactly(cheap);
    assertThat(Candidates.eligible(pool, headers(Map.of("x-worker-priority", "60", "x-max-cost", "1")), Set.of())).isEmpty();
    assertThat(Candidates.eligible(pool, headers(Map.of("x-worker-priority", "50")), Set.of(gold, gold2))).containsExactly(standard);
    assertThat(Candidates.eligible(pool, headers(Map.of("x-worker-priority", "60")), Set.of(gold, gold2))).isEmpty();
  }

  @Test
  void theReasonForNoCandidateNamesTheConstraint() {
    assertThat(Candidates.unavailableReason(pool, headers(Map.of("x-worker-priority", "95")), "m", "worker"))
        .isEqualTo("no healthy worker of model 'm' meets the request's priority >= 95");
    assertThat(Candidates.unavailableReason(pool, headers(Map.of("x-max-cost", "0.1")), "m", "worker"))
        .isEqualTo("no healthy worker of model 'm' meets the request's cost <= 0.1");
    pool.forEach(w -> workers.setHealthy(w, false));
    assertThat(Candidates.unavailableReason(pool, headers(Map.of()), "m", "worker")).isEqualTo("no healthy worker can serve model 'm' right now");
  }

  @Test
  void malformedHeadersAreRejectedWithTheirName() {
    assertThatThrownBy(() -> headers(Map.of("x-worker-priority", "high")))
        .hasMessage("header x-worker-priority must be an integer, not 'high'");
    assertThatThrownBy(() -> headers(Map.of("x-max-cost", "-1")))
        .hasMessage("header x-max-cost must be a non-negative number, not '-1'");
  }
}
