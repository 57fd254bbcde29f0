package dev.switchboard.text.parser;

import java.util.Objects;

/** A complete tool call: function name and its arguments as a JSON text (OpenAI {@code function.arguments}). */
public record ToolCall(String name, String arguments) {
  public ToolCall {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(arguments, "arguments");
  }
}
