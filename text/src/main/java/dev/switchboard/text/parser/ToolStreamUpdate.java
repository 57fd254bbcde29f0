package dev.switchboard.text.parser;

import java.util.List;

/** What one pushed text delta produced: normal content outside tool markup and tool-call deltas. */
public record ToolStreamUpdate(String normalText, List<ToolCallDelta> calls) {
  public static final ToolStreamUpdate EMPTY = new ToolStreamUpdate("", List.of());

  public ToolStreamUpdate {
    calls = List.copyOf(calls);
  }

  public boolean isEmpty() {
    return normalText.isEmpty() && calls.isEmpty();
  }
}
