package dev.switchboard.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PoliciesTest {
  @Test
  void everyRegisteredNameBuildsAPolicyOfThatName() {
    for (String name : PolicySpec.NAMES) assertThat(Policies.create(PolicySpec.named(name)).name()).isEqualTo(name);
  }

  @Test
  void parameterMistakesNameThePolicyAndTheParameter() {
    assertThatThrownBy(() -> Policies.validate(new PolicySpec("cache_aware", Map.of("cache_threshold", 1.5))))
        .hasMessage("policy cache_aware: parameter cache_threshold must be between 0 and 1, not 1.5");
    assertThatThrownBy(() -> Policies.validate(new PolicySpec("cache_aware", Map.of("balance_rel_threshold", "lots"))))
        .hasMessage("policy cache_aware: parameter balance_rel_threshold must be a number, not 'lots'");
    assertThatThrownBy(() -> Policies.validate(new PolicySpec("cache_aware_classic", Map.of("max_tree_size", 0))))
        .hasMessage("policy cache_aware_classic: parameter max_tree_size must be between 1 and 9223372036854775807, not 0");
    assertThatThrownBy(() -> Policies.validate(new PolicySpec("cache_aware", Map.of("cache_treshold", 0.5))))
        .hasMessageStartingWith("policy cache_aware has no parameter 'cache_treshold' (known: balance_abs_threshold, ");
    assertThatThrownBy(() -> Policies.validate(new PolicySpec("round_robin", Map.of("x", 1))))
        .hasMessage("policy round_robin has no parameter 'x' (it takes none)");
    assertThatThrownBy(() -> Policies.validate(new PolicySpec("consistent_hash", Map.of("virtual_nodes", 2.5))))
        .hasMessage("policy consistent_hash: parameter virtual_nodes must be an integer, not '2.5'");
  }
}
