package dev.switchboard.gateway.policy;

/** What a policy may know about the request it places. Everything is computed lazily, at most once. */
public interface SelectionContext {
  /** The model the request is for. */
  String model();

  /** The text prefix-aware policies match on (prompt, messages, text or ids); "" when there is none. */
  String routingText();

  /** A request header (case-insensitive), or {@code null}. */
  String header(String name);

  /** The body's {@code user} field, or {@code null}. */
  String user();

  /**
   * The prompt's token ids as the worker will see them (chat template applied), computed on first call by
   * {@code encoder} and kept; {@code null} when they cannot be known.
   */
  default int[] tokenIds(PromptEncoder encoder) { return null; }

  /** A context with no request behind it (health checks, tests). */
  static SelectionContext of(String model, String text) {
    return new SelectionContext() {
      @Override public String model() { return model; }
      @Override public String routingText() { return text; }
      @Override public String header(String name) { return null; }
      @Override public String user() { return null; }
    };
  }
}
