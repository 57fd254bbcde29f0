package dev.switchboard.launcher;

import dev.switchboard.gateway.router.RouterId;
import dev.switchboard.gateway.router.RouterPlan;

/** Plain-text tables for the terminal. */
final class Tables {
  private Tables() {}

  static String plan(RouterPlan plan) {
    StringBuilder sb = new StringBuilder(String.format("%-14s %s%n", "ROUTER", "MODELS"));
    for (RouterId id : RouterId.values()) {
      var models = plan.models(id);
      sb.append(String.format("%-14s %s%n", id.wireName(), models.isEmpty() ? "(not created: no workers of this kind)" : String.join(", ", models)));
    }
    return sb.toString().stripTrailing();
  }
}
