package dev.switchboard.gateway.policy;

import java.util.Set;
import java.util.TreeSet;

/** Reads a policy's parameters with one clear message per mistake, naming the policy and the parameter. */
final class PolicyParams {
  private final PolicySpec spec;

  PolicyParams(PolicySpec spec, Set<String> known) {
    this.spec = spec;
    for (String name : spec.params().keySet()) {
      if (!known.contains(name)) {
        throw new IllegalArgumentException("policy " + spec.name() + " has no parameter '" + name + "' ("
            + (known.isEmpty() ? "it takes none" : "known: " + String.join(", ", new TreeSet<>(known))) + ")");
      }
    }
  }

  double number(String name, double dflt, double min, double max) {
    Object v = spec.params().get(name);
    if (v == null) return dflt;
    double d;
    if (v instanceof Number n) {
      d = n.doubleValue();
    } else {
      try {
        d = Double.parseDouble(v.toString().strip());
      } catch (NumberFormatException e) {
        throw fail(name, "must be a number, not '" + v + "'");
      }
    }
    if (Double.isNaN(d) || d < min || d > max) throw fail(name, "must be between " + fmt(min) + " and " + fmt(max) + ", not " + fmt(d));
    return d;
  }

  long integer(String name, long dflt, long min, long max) {
    Object v = spec.params().get(name);
    if (v == null) return dflt;
    long l;
    if (v instanceof Long || v instanceof Integer) {
      l = ((Number) v).longValue();
    } else {
      try {
        l = Long.parseLong(v.toString().strip());
      } catch (NumberFormatException e) {
        throw fail(name, "must be an integer, not '" + v + "'");
      }
    }
    if (l < min || l > max) throw fail(name, "must be between " + min + " and " + max + ", not " + l);
    return l;
  }

  private IllegalArgumentException fail(String name, String problem) {
    return new IllegalArgumentException("policy " + spec.name() + ": parameter " + name + " " + problem);
  }

  private static String fmt(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}
