package dev.switchboard.text.parser;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Tool parser registry: parsers by name and auto-selection by model id (as SGLang names them).
 *
 * <p>Auto-selection matches the model id against the glob table {@link #MODEL_GLOBS} ({@code *} = any text,
 * case-insensitive), trying the id itself and then the part after its last {@code /} (so
 * {@code meta-llama/Llama-3.2-3B-Instruct} matches {@code llama-3.2*}). When several patterns match, the one with the
 * longest text before its first {@code *} wins (so {@code deepseek-v3*} beats {@code deepseek-*}). No match →
 * {@code passthrough}. Some names of the table (glm4_moe, step3, kimik2, minimax_m2, gpt_oss, qwen_coder)
 * have no parser here yet; {@link #resolve} treats them as passthrough.
 */
public final class ToolParsers {
  public static final String JSON = "json";
  public static final String QWEN = "qwen";
  public static final String HERMES = "hermes";
  public static final String LLAMA = "llama";
  public static final String LLAMA3 = "llama3";
  public static final String MISTRAL = "mistral";
  public static final String PYTHONIC = "pythonic";
  public static final String DEEPSEEK = "deepseek";
  public static final String PASSTHROUGH = "passthrough";

  private static final Map<String, Function<Supplier<String>, ToolCallParser>> PARSERS = Map.of(
      JSON, JsonToolCallParser::json,
      QWEN, JsonToolCallParser::qwen,
      HERMES, JsonToolCallParser::qwen,
      LLAMA, JsonToolCallParser::llama3,
      LLAMA3, JsonToolCallParser::llama3,
      MISTRAL, JsonToolCallParser::mistral,
      PYTHONIC, PythonicToolParser::new,
      DEEPSEEK, DeepSeekV3ToolParser::new,
      PASSTHROUGH, ids -> new PassthroughToolParser());

  /** Model-id glob → parser name, as in the reference. */
  static final Map<String, String> MODEL_GLOBS = Map.ofEntries(
      Map.entry("gpt-4*", JSON), Map.entry("gpt-3.5*", JSON), Map.entry("claude-*", JSON),
      Map.entry("gemini-*", JSON), Map.entry("palm-*", JSON), Map.entry("gemma-*", JSON),
      Map.entry("llama-*", JSON),
      Map.entry("mistral-*", MISTRAL), Map.entry("mixtral-*", MISTRAL),
      Map.entry("qwen*", QWEN),
      Map.entry("llama-4*", PYTHONIC), Map.entry("meta-llama-4*", PYTHONIC),
      Map.entry("llama-3.2*", LLAMA), Map.entry("meta-llama-3.2*", LLAMA),
      Map.entry("deepseek-v3*", DEEPSEEK), Map.entry("deepseek-ai/deepseek-v3*", DEEPSEEK),
      Map.entry("deepseek-*", PYTHONIC),
      Map.entry("glm-4.5*", "glm4_moe"), Map.entry("glm-4.6*", "glm4_moe"), Map.entry("glm-*", JSON),
      Map.entry("step3*", "step3"), Map.entry("step-3*", "step3"),
      Map.entry("kimi-k2*", "kimik2"),
      Map.entry("minimax*", "minimax_m2"),
      Map.entry("gpt-oss*", "gpt_oss"));

  private record Glob(Pattern pattern, int literalPrefix, String parser) {
  }

  private static final List<Glob> GLOBS = MODEL_GLOBS.entrySet().stream()
      .map(e -> new Glob(compile(e.getKey()), e.getKey().indexOf('*'), e.getValue()))
      .sorted(Comparator.comparingInt(Glob::literalPrefix).reversed()
          .thenComparing(g -> g.pattern().pattern()))
      .toList();

  private ToolParsers() {
  }

  public static Set<String> names() {
    return PARSERS.keySet();
  }

  public static boolean isSupported(String name) {
    return PARSERS.containsKey(name);
  }

  /** A new parser with random OpenAI-style call ids; throws IllegalArgumentException for an unknown name. */
  public static ToolCallParser create(String name) {
    return create(name, ToolCallIds::next);
  }

  public static ToolCallParser create(String name, Supplier<String> ids) {
    Function<Supplier<String>, ToolCallParser> factory = PARSERS.get(name);
    if (factory == null) {
      throw new IllegalArgumentException("unknown tool-call parser '" + name + "', known: " + PARSERS.keySet());
    }
    return factory.apply(ids);
  }

  /** The parser name the reference table gives the model ({@code passthrough} when nothing matches). */
  public static String nameForModel(String modelId) {
    String model = modelId.toLowerCase(Locale.ROOT);
    String base = model.substring(model.lastIndexOf('/') + 1);
    for (Glob glob : GLOBS) {
      if (glob.pattern().matcher(model).matches() || glob.pattern().matcher(base).matches()) {
        return glob.parser();
      }
    }
    return PASSTHROUGH;
  }

  /**
   * The parser to use: the configured override (must be a known name), else the auto-selected one if it is
   * implemented here; empty means no tool extraction.
   */
  public static Optional<String> resolve(Optional<String> override, String modelId) {
    if (override.isPresent()) {
      create(override.get());
      return override;
    }
    String name = nameForModel(modelId);
    return isSupported(name) && !name.equals(PASSTHROUGH) ? Optional.of(name) : Optional.empty();
  }

  private static Pattern compile(String glob) {
    StringBuilder regex = new StringBuilder();
    for (String part : glob.split("\\*", -1)) {
      if (!regex.isEmpty()) {
        regex.append(".*");
      }
      regex.append(Pattern.quote(part));
    }
    return Pattern.compile(regex.toString());
  }
}
