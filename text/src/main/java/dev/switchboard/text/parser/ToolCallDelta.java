package dev.switchboard.text.parser;

/**
 * One OpenAI-style streaming tool-call delta. The first delta of a call carries its {@code id} and {@code name}
 * (both null in later deltas); {@code arguments} is the next fragment of the arguments JSON text (may be empty).
 */
public record ToolCallDelta(int index, String id, String name, String arguments) {
}
