package dev.switchboard.gateway.kv;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.config.ModelSettings;
import dev.switchboard.gateway.policy.PromptEncoder;
import dev.switchboard.gateway.router.grpc.ModelText;
import dev.switchboard.gateway.router.grpc.TokenizerRegistry;
import dev.switchboard.text.chat.ChatPromptException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The prompt ids a worker will compute for a request, as {@code kv_aware} matches them against the index: chat
 * requests through the model's chat template, then the model's tokenizer ({@code models.<m>.tokenizer}, loaded by
 * the {@link TokenizerRegistry} the gRPC routers use); {@code /v1/completions} and {@code /generate} text or ids as
 * given. Encoding goes through a {@link SegmentEncoder}, so repeated system prompts and earlier turns are not
 * tokenized again. Never waits: while a tokenizer loads, the answer is {@code null} (and the policy falls back).
 */
public final class PromptTokens implements PromptEncoder {
  private static final long MAX_CACHED_IDS = 4_000_000;
  /**
   * On an event loop, at most this many not-yet-cached characters are tokenized per request (about 2 ms of Qwen3's
   * tokenizer at worst on this machine, docs/ROUTING-QUALITY.md); a longer new part is tokenized in the background
   * for the next request and this one falls back to the approximate tree.
   */
  static final int EVENT_LOOP_BUDGET_CHARS = 8_192;

  private final Function<String, ModelSettings> settings;
  private final TokenizerRegistry tokenizers;
  private final Map<ModelText, SegmentEncoder> encoders = new ConcurrentHashMap<>();

  private final java.util.concurrent.Executor background;

  /** @param background where long new prompt parts are tokenized when asked on an event loop */
  public PromptTokens(Function<String, ModelSettings> settings, TokenizerRegistry tokenizers,
      java.util.concurrent.Executor background) {
    this.settings = settings;
    this.tokenizers = tokenizers;
    this.background = background;
  }

  @Override
  public int[] encode(String model, String path, JsonNode body) {
    if (model == null || body == null) return null;
    return switch (path) {
      case "/v1/chat/completions" -> chat(model, body);
      case "/v1/completions" -> textOrIds(model, body.get("prompt"));
      case "/generate" -> body.hasNonNull("input_ids") ? ids(body.get("input_ids")) : textOrIds(model, body.get("text"));
      default -> null;
    };
  }

  private int[] chat(String model, JsonNode body) {
    ModelText text = text(model);
    if (text == null || text.prompts() == null) return null;
    try {
      return encode(text, text.prompts().render(body));
    } catch (ChatPromptException | RuntimeException e) {
      return null; // the worker will say what is wrong with the request
    }
  }

  private int[] textOrIds(String model, JsonNode v) {
    if (v == null) return null;
    if (v.isTextual()) {
      ModelText text = text(model);
      return text == null ? null : encode(text, v.textValue());
    }
    return ids(v);
  }

  /** A flat array of ids; a batch (array of prompts) has no single prefix. */
  private static int[] ids(JsonNode v) {
    if (v == null || !v.isArray() || v.isEmpty() || !v.get(0).isIntegralNumber()) return null;
    int[] out = new int[v.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode e = v.get(i);
      if (!e.isIntegralNumber()) return null;
      out[i] = e.intValue();
    }
    return out;
  }

  private ModelText text(String model) {
    ModelSettings m = settings.apply(model);
    if (m == null || m.tokenizer() == null || m.tokenizer().isBlank()) return null;
    CompletableFuture<ModelText> f = tokenizers.get(model);
    return f.isDone() && !f.isCompletedExceptionally() ? f.join() : null;
  }

  private int[] encode(ModelText text, String prompt) {
    boolean eventLoop = io.vertx.core.Context.isOnEventLoopThread();
    return encoder(text).encode(prompt, eventLoop ? EVENT_LOOP_BUDGET_CHARS : Integer.MAX_VALUE, background);
  }

  private SegmentEncoder encoder(ModelText text) {
    return encoders.computeIfAbsent(text, t -> new SegmentEncoder(t.tokenizer(), MAX_CACHED_IDS));
  }
}
