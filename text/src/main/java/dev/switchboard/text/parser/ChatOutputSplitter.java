package dev.switchboard.text.parser;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Splits one choice's output text into reasoning, content and tool calls: the reasoning parser runs first, and only
 * the text after the reasoning block reaches the tool parser. Use {@link PassthroughReasoningParser} when reasoning is
 * not separated and {@link PassthroughToolParser} when no tools are extracted. One instance per choice.
 */
public final class ChatOutputSplitter {
  private final ReasoningParser reasoning;
  private final ToolCallParser tools;

  public ChatOutputSplitter(ReasoningParser reasoning, ToolCallParser tools) {
    this.reasoning = Objects.requireNonNull(reasoning, "reasoning");
    this.tools = Objects.requireNonNull(tools, "tools");
  }

  public ChatDelta push(String text) {
    if (text.isEmpty()) {
      return ChatDelta.EMPTY;
    }
    ReasoningDelta split = reasoning.push(text);
    return combine(split.reasoning(), split.normal().isEmpty() ? ToolStreamUpdate.EMPTY : tools.push(split.normal()),
        ToolStreamUpdate.EMPTY);
  }

  /** Ends the output: flushes the reasoning parser into the tool parser, then the tool parser. */
  public ChatDelta finish() {
    ReasoningDelta split = reasoning.finish();
    ToolStreamUpdate last = split.normal().isEmpty() ? ToolStreamUpdate.EMPTY : tools.push(split.normal());
    return combine(split.reasoning(), last, tools.finish());
  }

  /** True while inside the reasoning block. */
  public boolean inReasoning() {
    return reasoning.inReasoning();
  }

  private static ChatDelta combine(String reasoningText, ToolStreamUpdate first, ToolStreamUpdate second) {
    if (reasoningText.isEmpty() && first.isEmpty() && second.isEmpty()) {
      return ChatDelta.EMPTY;
    }
    List<ToolCallDelta> calls = first.calls();
    if (!second.calls().isEmpty()) {
      calls = new ArrayList<>(calls);
      calls.addAll(second.calls());
    }
    return new ChatDelta(reasoningText, first.normalText() + second.normalText(), calls);
  }
}
