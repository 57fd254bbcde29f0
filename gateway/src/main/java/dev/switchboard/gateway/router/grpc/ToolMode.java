package dev.switchboard.gateway.router.grpc;

/** How a chat request's output is searched for tool calls. */
sealed interface ToolMode {
  /** No tools, or {@code tool_choice: "none"}: all text is content. */
  record None() implements ToolMode {}

  /** {@code auto}: the model's tool-call parser extracts calls; other text is content. */
  record Parsed(String parser) implements ToolMode {}

  /** {@code required}: output is constrained to a JSON array of {name, parameters} objects. */
  record Required() implements ToolMode {}

  /** A named function: output is constrained to its arguments; the call is synthesized with the forced name. */
  record Named(String name) implements ToolMode {}

  ToolMode NONE = new None();
}
