package dev.switchboard.text.parser;

/**
 * Content outside tool-call markup. Whitespace-only text that directly follows a tool-call block is held: it is
 * dropped if another block or the end of output follows, and released with the next non-whitespace text otherwise.
 */
final class TextOutsideCalls {
  private final ToolUpdateBuilder out;
  private final StringBuilder heldWhitespace = new StringBuilder();
  private boolean afterCall;

  TextOutsideCalls(ToolUpdateBuilder out) {
    this.out = out;
  }

  /** Text seen outside markup; {@code beforeCall} when a tool-call block starts right after it. */
  void emit(CharSequence text, boolean beforeCall) {
    if (!afterCall) {
      out.normal(text);
      return;
    }
    if (Markers.isBlank(text)) {
      if (beforeCall) {
        heldWhitespace.setLength(0);
      } else {
        heldWhitespace.append(text);
      }
      return;
    }
    out.normal(heldWhitespace);
    out.normal(text);
    heldWhitespace.setLength(0);
    afterCall = false;
  }

  void callBlockEnded() {
    afterCall = true;
    heldWhitespace.setLength(0);
  }

  /** End of output: whitespace held after the last block is dropped. */
  void finish() {
    heldWhitespace.setLength(0);
  }
}
