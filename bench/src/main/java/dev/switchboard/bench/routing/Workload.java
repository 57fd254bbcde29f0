package dev.switchboard.bench.routing;

import java.util.List;

/**
 * Requests to send, grouped into scripts: a script's turns go one after another, each prompt being the previous
 * prompt, the answer to it and the turn's new text (a conversation resending its history); scripts run side by side.
 *
 * @param name the workload's name, e.g. {@code shared-prefix}
 * @param scripts in the order they start
 */
public record Workload(String name, List<Script> scripts) {
  /**
   * @param key the routing key sent as {@code x-session-id}, or {@code null} for none
   */
  public record Script(String key, List<Turn> turns) {}

  /**
   * @param text what this turn adds to the conversation (the whole prompt for a first turn)
   * @param maxTokens output tokens to generate
   */
  public record Turn(String text, int maxTokens) {}

  public int requests() {
    return scripts.stream().mapToInt(s -> s.turns().size()).sum();
  }
}
