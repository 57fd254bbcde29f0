package dev.switchboard.text.parser;

import java.util.List;

/** One step of chat output: {@code reasoning_content}, {@code content} and tool-call deltas (each possibly empty). */
public record ChatDelta(String reasoning, String content, List<ToolCallDelta> toolCalls) {
  public static final ChatDelta EMPTY = new ChatDelta("", "", List.of());

  public ChatDelta {
    toolCalls = List.copyOf(toolCalls);
  }

  public boolean isEmpty() {
    return reasoning.isEmpty() && content.isEmpty() && toolCalls.isEmpty();
  }
}
