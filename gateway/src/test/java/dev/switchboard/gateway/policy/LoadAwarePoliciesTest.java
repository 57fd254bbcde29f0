package dev.switchboard.gateway.policy;

import static dev.switchboard.gateway.policy.TestWorkers.load;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.worker.Worker;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadAwarePoliciesTest {
  private final TestWorkers workers = new TestWorkers();

  @Test
  void loadIsInFlightPlusWhatTheWorkerReportedBeyondIt() {
    Worker w = workers.add("http://a:1");
    load(w, 2);
    assertThat(Load.of(w)).isEqualTo(2);
    w.reportedLoad(7); // 5 requests from elsewhere
    assertThat(Load.of(w)).isEqualTo(7);
    load(w, 1);
    assertThat(Load.of(w)).isEqualTo(8);
    w.reportedLoad(-1);
    assertThat(Load.of(w)).isEqualTo(3);
  }

  @Test
  void powerOfTwoAlwaysTakesTheLessLoadedOfTwo() {
    List<Worker> two = workers.add(2);
    load(two.get(0), 3);
    Policy p = Policies.create(PolicySpec.named("power_of_two"));
    for (int i = 0; i < 50; i++) assertThat(p.pick(two, TestWorkers.text(""))).isSameAs(two.get(1));
    two.get(1).reportedLoad(10); // busy with another gateway's requests
    for (int i = 0; i < 50; i++) assertThat(p.pick(two, TestWorkers.text(""))).isSameAs(two.get(0));
  }

  @Test
  void powerOfTwoNeverPicksTheMostLoadedOfThree() {
    List<Worker> three = workers.add(3);
    load(three.get(2), 5);
    load(three.get(1), 1);
    Policy p = Policies.create(PolicySpec.named("power_of_two"));
    int[] counts = new int[3];
    for (int i = 0; i < 300; i++) counts[three.indexOf(p.pick(three, TestWorkers.text("")))]++;
    assertThat(counts[2]).isZero();
    assertThat(counts[0]).isGreaterThan(counts[1]); // w0 wins both pairs it is in, w1 only one
  }
}
