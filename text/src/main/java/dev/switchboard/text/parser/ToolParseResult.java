package dev.switchboard.text.parser;

import java.util.List;

/** One-shot parse result: the text outside tool markup and the tool calls in order. */
public record ToolParseResult(String normalText, List<ToolCall> calls) {
  public ToolParseResult {
    calls = List.copyOf(calls);
  }
}
