package dev.switchboard.text.parser;

/** No tool extraction: all text is content. */
public final class PassthroughToolParser implements ToolCallParser {

  @Override
  public ToolStreamUpdate push(String text) {
    return text.isEmpty() ? ToolStreamUpdate.EMPTY : new ToolStreamUpdate(text, java.util.List.of());
  }

  @Override
  public ToolStreamUpdate finish() {
    return ToolStreamUpdate.EMPTY;
  }
}
