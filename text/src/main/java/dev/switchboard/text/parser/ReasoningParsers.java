package dev.switchboard.text.parser;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reasoning parser registry: parsers by name and auto-selection by model id (as SGLang names them).
 *
 * <p>Auto-selection: the first entry of {@link #MODEL_SUBSTRINGS} that occurs in the model id, case-insensitively;
 * none → {@code passthrough}. A configured {@code --reasoning-parser} overrides it for all models.
 */
public final class ReasoningParsers {
  public static final String DEEPSEEK_R1 = "deepseek_r1";
  public static final String QWEN3 = "qwen3";
  public static final String QWEN3_THINKING = "qwen3_thinking";
  public static final String KIMI = "kimi";
  public static final String GLM45 = "glm45";
  public static final String STEP3 = "step3";
  public static final String PASSTHROUGH = "passthrough";

  private static final Map<String, Supplier<ReasoningParser>> PARSERS = Map.of(
      DEEPSEEK_R1, () -> new ThinkTagReasoningParser("<think>", "</think>", true),
      QWEN3, () -> new ThinkTagReasoningParser("<think>", "</think>", false),
      QWEN3_THINKING, () -> new ThinkTagReasoningParser("<think>", "</think>", true),
      KIMI, () -> new ThinkTagReasoningParser("◁think▷", "◁/think▷", false),
      GLM45, () -> new ThinkTagReasoningParser("<think>", "</think>", false),
      STEP3, () -> new ThinkTagReasoningParser("<think>", "</think>", true),
      PASSTHROUGH, PassthroughReasoningParser::new);

  /** Ordered: more specific substrings first. */
  static final List<Map.Entry<String, String>> MODEL_SUBSTRINGS = List.of(
      Map.entry("deepseek-r1", DEEPSEEK_R1),
      Map.entry("qwen3-thinking", QWEN3_THINKING),
      Map.entry("qwen-thinking", QWEN3_THINKING),
      Map.entry("qwen3", QWEN3),
      Map.entry("qwen", QWEN3),
      Map.entry("glm45", GLM45),
      Map.entry("kimi", KIMI),
      Map.entry("step3", STEP3));

  private ReasoningParsers() {
  }

  public static Set<String> names() {
    return PARSERS.keySet();
  }

  /** A new parser instance; throws IllegalArgumentException for an unknown name. */
  public static ReasoningParser create(String name) {
    Supplier<ReasoningParser> supplier = PARSERS.get(name);
    if (supplier == null) {
      throw new IllegalArgumentException("unknown reasoning parser '" + name + "', known: " + PARSERS.keySet());
    }
    return supplier.get();
  }

  /** The parser name for a model id ({@code passthrough} when nothing matches). */
  public static String nameForModel(String modelId) {
    String model = modelId.toLowerCase(Locale.ROOT);
    return MODEL_SUBSTRINGS.stream().filter(e -> model.contains(e.getKey())).map(Map.Entry::getValue)
        .findFirst().orElse(PASSTHROUGH);
  }

  /** The configured override if present, else the auto-selected parser for the model. */
  public static ReasoningParser forModel(Optional<String> override, String modelId) {
    return create(override.orElseGet(() -> nameForModel(modelId)));
  }
}
