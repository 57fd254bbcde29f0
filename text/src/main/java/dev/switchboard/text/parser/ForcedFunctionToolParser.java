package dev.switchboard.text.parser;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * For {@code tool_choice} naming one function: the model is constrained to emit only the arguments JSON, and the
 * call is synthesized with the forced name. The call is announced at the first non-whitespace character; the
 * arguments are streamed in compact form (see {@link JsonValueCopier}); text after the JSON value is content
 * (whitespace there is dropped). Output that does not start with a JSON object (after whitespace) yields no call
 * and is all content. O(1) per character.
 */
public final class ForcedFunctionToolParser implements ToolCallParser {
  private final String name;
  private final ToolUpdateBuilder out;
  private final TextOutsideCalls content;
  private final JsonValueCopier copier = new JsonValueCopier();
  private final StringBuilder arguments = new StringBuilder();
  private final StringBuilder leadingWhitespace = new StringBuilder();
  private int callIndex = -1;
  private boolean valueDone;

  public ForcedFunctionToolParser(String name, Supplier<String> ids) {
    this.name = Objects.requireNonNull(name, "name");
    this.out = new ToolUpdateBuilder(Objects.requireNonNull(ids, "ids"));
    this.content = new TextOutsideCalls(out);
  }

  @Override
  public ToolStreamUpdate push(String text) {
    int i = 0;
    while (i < text.length() && !valueDone) {
      char c = text.charAt(i);
      if (callIndex < 0) {
        if (Markers.isWhitespace(c)) {
          leadingWhitespace.append(c);
          i++;
          continue;
        }
        if (c != '{') {
          valueDone = true;
          content.emit(leadingWhitespace, false);
          leadingWhitespace.setLength(0);
          break;
        }
        leadingWhitespace.setLength(0);
        callIndex = out.begin(name);
      }
      JsonValueCopier.Status status = copier.accept(c, arguments);
      if (status != JsonValueCopier.Status.DONE_BEFORE && status != JsonValueCopier.Status.INVALID) {
        i++;
      }
      if (status != JsonValueCopier.Status.MORE) {
        valueDone = true;
        content.callBlockEnded();
      }
    }
    flushArguments();
    if (i < text.length()) {
      content.emit(text.substring(i), false);
    }
    return out.drain();
  }

  @Override
  public ToolStreamUpdate finish() {
    if (callIndex < 0) {
      content.emit(leadingWhitespace, false);
      leadingWhitespace.setLength(0);
    }
    content.finish();
    return out.drain();
  }

  private void flushArguments() {
    if (!arguments.isEmpty()) {
      out.arguments(callIndex, arguments);
      arguments.setLength(0);
    }
  }
}
