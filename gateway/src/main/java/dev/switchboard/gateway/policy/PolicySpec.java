package dev.switchboard.gateway.policy;

import java.util.Map;
import java.util.Set;

/**
 * A policy as configured: its name and tuning parameters (e.g. {@code cache_threshold}).
 *
 * @param params values as written in the deployment file: strings, numbers or booleans
 */
public record PolicySpec(String name, Map<String, Object> params) {
  public static final Set<String> NAMES = Set.of("round_robin", "random", "power_of_two", "cache_aware", "cache_aware_classic",
      "consistent_hash", "kv_aware");
  public static final PolicySpec ROUND_ROBIN = new PolicySpec("round_robin", Map.of());

  public PolicySpec {
    params = params == null ? Map.of() : Map.copyOf(params);
  }

  public static PolicySpec named(String name) {
    return new PolicySpec(name, Map.of());
  }
}
