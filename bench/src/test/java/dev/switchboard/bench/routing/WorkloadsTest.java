package dev.switchboard.bench.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.bench.routing.Workload.Script;
import dev.switchboard.sim.cache.SimTokens;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkloadsTest {
  private static int tokens(String text) {
    return SimTokens.tokenize(text).length;
  }

  @Test
  void sharedPrefixHasExactLengthsOneSystemPromptPerGroupAndAShuffledOrder() {
    Workload w = new Workloads(1).sharedPrefix(8, 4, 50, 10, 7);
    assertThat(w.scripts()).hasSize(32);
    Map<String, String> systemByGroup = new HashMap<>();
    for (Script s : w.scripts()) {
      assertThat(s.turns()).hasSize(1);
      String prompt = s.turns().getFirst().text();
      assertThat(tokens(prompt)).isEqualTo(60);
      assertThat(s.turns().getFirst().maxTokens()).isEqualTo(7);
      String system = prompt.substring(0, prompt.indexOf("\n\n"));
      assertThat(systemByGroup.computeIfAbsent(s.key(), k -> system)).isEqualTo(system);
    }
    assertThat(systemByGroup).hasSize(8);
    assertThat(systemByGroup.values()).doesNotHaveDuplicates();
    List<String> keys = w.scripts().stream().map(Script::key).toList();
    assertThat(keys.subList(0, 4)).isNotEqualTo(List.of("group-0", "group-0", "group-0", "group-0"));
  }

  @Test
  void theSameSeedGivesTheSameWorkload() {
    assertThat(new Workloads(5).sharedPrefix(4, 4, 20, 5, 3)).isEqualTo(new Workloads(5).sharedPrefix(4, 4, 20, 5, 3));
    assertThat(new Workloads(5).multiTurn(10, 3, 40, 0.5, 8, 4)).isEqualTo(new Workloads(5).multiTurn(10, 3, 40, 0.5, 8, 4));
    assertThat(new Workloads(5).uniform(4, 20, 3)).isNotEqualTo(new Workloads(6).uniform(4, 20, 3));
  }

  @Test
  void multiTurnConversationsVaryInLengthWithinTheirBounds() {
    Workload w = new Workloads(2).multiTurn(200, 4, 40, 0.25, 8, 5);
    assertThat(w.scripts()).hasSize(200);
    for (Script s : w.scripts()) {
      assertThat(s.turns().size()).isBetween(1, 7);
      assertThat(tokens(s.turns().getFirst().text())).isBetween(10, 40);
      s.turns().stream().skip(1).forEach(t -> assertThat(tokens(t.text())).isEqualTo(8));
    }
    assertThat(w.scripts().stream().mapToInt(s -> s.turns().size()).distinct().count()).isEqualTo(7);
  }

  @Test
  void percentilesAreNearestRank() {
    long[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    assertThat(RoutingBench.percentile(sorted, 50)).isEqualTo(5);
    assertThat(RoutingBench.percentile(sorted, 99)).isEqualTo(10);
    assertThat(RoutingBench.percentile(new long[0], 99)).isZero();
  }
}
