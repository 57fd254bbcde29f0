package dev.switchboard.text.parser;

/** No reasoning split: all text is normal content. */
public final class PassthroughReasoningParser implements ReasoningParser {

  @Override
  public ReasoningDelta push(String text) {
    return text.isEmpty() ? ReasoningDelta.EMPTY : new ReasoningDelta("", text);
  }

  @Override
  public ReasoningDelta finish() {
    return ReasoningDelta.EMPTY;
  }

  @Override
  public boolean inReasoning() {
    return false;
  }
}
