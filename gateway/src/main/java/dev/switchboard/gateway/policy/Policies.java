package dev.switchboard.gateway.policy;

import dev.switchboard.gateway.policy.radix.CacheAwareClassicPolicy;
import dev.switchboard.gateway.policy.radix.CacheAwarePolicy;
import dev.switchboard.gateway.policy.radix.CacheAwareSettings;
import java.util.Set;

/** Builds a policy instance from its spec; each call returns a fresh instance with its own state. */
public final class Policies {
  private Policies() {}

  /** Throws {@link IllegalArgumentException} naming the policy and parameter when the spec is not valid. */
  public static Policy create(PolicySpec spec) {
    return create(spec, PrefixCacheView.NONE);
  }

  /** As {@link #create(PolicySpec)}; {@code kv_aware} reads the workers' KV events through {@code kv}. */
  public static Policy create(PolicySpec spec, PrefixCacheView kv) {
    return switch (spec.name()) {
      case "round_robin" -> {
        new PolicyParams(spec, Set.of());
        yield new RoundRobinPolicy();
      }
      case "random" -> {
        new PolicyParams(spec, Set.of());
        yield new RandomPolicy();
      }
      case "power_of_two" -> {
        new PolicyParams(spec, Set.of());
        yield new PowerOfTwoPolicy();
      }
      case "cache_aware" -> new CacheAwarePolicy(cacheAware(spec));
      case "cache_aware_classic" -> new CacheAwareClassicPolicy(cacheAware(spec));
      case "kv_aware" -> new KvAwarePolicy(kvAware(spec), kv);
      case "consistent_hash" -> {
        PolicyParams p = new PolicyParams(spec, Set.of("virtual_nodes", "load_factor", "capacity_floor"));
        yield new ConsistentHashPolicy((int) p.integer("virtual_nodes", 160, 1, 10_000),
            p.number("load_factor", 1.25, 1.0, 100.0), (int) p.integer("capacity_floor", 8, 1, 1_000_000));
      }
      default -> throw new IllegalArgumentException("unknown policy '" + spec.name() + "' (known: " + PolicySpec.NAMES + ")");
    };
  }

  /** How often a pool with this policy wants its workers' load polled, or {@code null} for the gateway default. */
  public static java.time.Duration loadPollInterval(PolicySpec spec) {
    return spec != null && spec.name().equals("kv_aware") ? java.time.Duration.ofMillis(kvAware(spec).loadPollMillis()) : null;
  }

  /** Checks a spec without building the policy (no background work starts). */
  public static void validate(PolicySpec spec) {
    switch (spec.name()) {
      case "cache_aware", "cache_aware_classic" -> cacheAware(spec);
      case "kv_aware" -> kvAware(spec);
      default -> create(spec);
    }
  }

  private static final Set<String> CACHE_AWARE_PARAMS = Set.of("cache_threshold", "balance_abs_threshold",
      "balance_rel_threshold", "eviction_interval_secs", "max_tree_size");

  private static KvAwarePolicy.Settings kvAware(PolicySpec spec) {
    Set<String> known = new java.util.HashSet<>(CACHE_AWARE_PARAMS);
    known.add("load_weight");
    known.add("kv_usage_weight");
    known.add("pending_ttl_ms");
    known.add("load_poll_ms");
    PolicyParams p = new PolicyParams(spec, known);
    KvAwarePolicy.Settings d = KvAwarePolicy.Settings.DEFAULTS;
    return new KvAwarePolicy.Settings(p.number("load_weight", d.loadWeight(), 0.0, 1e6),
        p.number("kv_usage_weight", d.kvUsageWeight(), 0.0, 1e6),
        p.integer("pending_ttl_ms", d.pendingTtlMillis(), 0, 600_000),
        p.integer("load_poll_ms", d.loadPollMillis(), 50, 60_000), cacheAware(p));
  }

  private static CacheAwareSettings cacheAware(PolicySpec spec) {
    return cacheAware(new PolicyParams(spec, CACHE_AWARE_PARAMS));
  }

  private static CacheAwareSettings cacheAware(PolicyParams p) {
    CacheAwareSettings d = CacheAwareSettings.DEFAULTS;
    return new CacheAwareSettings(
        p.number("cache_threshold", d.cacheThreshold(), 0.0, 1.0),
        p.integer("balance_abs_threshold", d.balanceAbsThreshold(), 0, Integer.MAX_VALUE),
        p.number("balance_rel_threshold", d.balanceRelThreshold(), 1.0, 1e9),
        p.integer("eviction_interval_secs", d.evictionIntervalSecs(), 1, 86_400L * 365),
        p.integer("max_tree_size", d.maxTreeSize(), 1, Long.MAX_VALUE));
  }
}
