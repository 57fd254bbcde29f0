package dev.switchboard.text.parser;

/**
 * Splits generated text into reasoning and normal content. Stateful: one instance per generated sequence. Feed text
 * deltas with {@link #push}, then call {@link #finish} once. The accumulated result does not depend on how the text
 * was split into deltas, and equals {@link #parse}.
 */
public sealed interface ReasoningParser permits ThinkTagReasoningParser, PassthroughReasoningParser {

  ReasoningDelta push(String text);

  ReasoningDelta finish();

  /** True while the parser is inside the reasoning block (tool parsing must wait until it ends). */
  boolean inReasoning();

  /** One-shot parse of a whole output with this (fresh) parser. */
  default ReasoningDelta parse(String text) {
    ReasoningDelta first = push(text);
    ReasoningDelta last = finish();
    return new ReasoningDelta(first.reasoning() + last.reasoning(), first.normal() + last.normal());
  }
}
