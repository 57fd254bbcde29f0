package dev.switchboard.text.parser;

/**
 * Extracts tool calls from generated text. Stateful: one instance per generated sequence. Feed text deltas with
 * {@link #push}, then call {@link #finish} once. The accumulated result (normal text, per-index name and the
 * concatenated argument fragments) does not depend on how the text was split into deltas, and equals {@link #parse}.
 * Argument fragments are only ever appended: what was emitted is always a prefix of the final arguments text.
 */
public sealed interface ToolCallParser permits JsonToolCallParser, PythonicToolParser, DeepSeekV3ToolParser, ForcedFunctionToolParser,
    PassthroughToolParser {

  ToolStreamUpdate push(String text);

  /** Ends the stream: releases held text; a call cut off by the end of output keeps the arguments emitted so far. */
  ToolStreamUpdate finish();

  /** One-shot parse of a whole output with this (fresh) parser. */
  default ToolParseResult parse(String text) {
    ToolCallAccumulator accumulator = new ToolCallAccumulator();
    accumulator.add(push(text));
    accumulator.add(finish());
    return accumulator.result();
  }
}
