package dev.switchboard.gateway.policy;

/** Builds a policy instance from its spec; each call returns a fresh instance with its own state. */
public final class Policies {
  private Policies() {}

  public static Policy create(PolicySpec spec) {
    return switch (spec.name()) {
      case "round_robin" -> new RoundRobinPolicy();
      case "random" -> new RandomPolicy();
      default -> throw new IllegalArgumentException("unknown policy '" + spec.name() + "' (known: " + PolicySpec.NAMES + ")");
    };
  }
}
