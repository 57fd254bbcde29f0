package dev.switchboard.text.parser;

/** Text split into the reasoning part ({@code reasoning_content}) and the normal part ({@code content}). */
public record ReasoningDelta(String reasoning, String normal) {
  public static final ReasoningDelta EMPTY = new ReasoningDelta("", "");

  public boolean isEmpty() {
    return reasoning.isEmpty() && normal.isEmpty();
  }
}
