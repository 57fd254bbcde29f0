package dev.switchboard.gateway.router.grpc;

import dev.switchboard.gateway.config.ModelSettings;
import dev.switchboard.gateway.exchange.OpenAiError;
import dev.switchboard.gateway.grpc.ModelInfo;
import dev.switchboard.text.Tokenizer;
import dev.switchboard.text.chat.ChatPrompt;
import dev.switchboard.text.chat.ChatPromptException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The text side of each model served over gRPC, loaded once on a blocking pool and shared by both gRPC routers:
 * the tokenizer at the model's configured {@code tokenizer} path, else at the tokenizer path a worker reports
 * (GetModelInfo) when that path exists on the gateway's host. A failed load is not cached: the next request retries.
 */
public final class TokenizerRegistry implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TokenizerRegistry.class);

  /** Why a model has no text pipeline; the message is meant for the client. */
  public static final class Unavailable extends RuntimeException {
    private final OpenAiError error;

    Unavailable(OpenAiError error) {
      super(error.message(), null, false, false);
      this.error = error;
    }

    public OpenAiError error() { return error; }
  }

  private final Function<String, ModelSettings> settings;
  private final Function<String, CompletionStage<ModelInfo>> workerInfo;
  private final Executor blocking;
  private final Map<String, CompletableFuture<ModelText>> loaded = new ConcurrentHashMap<>();

  /**
   * @param settings the model's deployment settings
   * @param workerInfo GetModelInfo from one of the model's gRPC workers (fails when there is none)
   * @param blocking where tokenizer files are read and parsed
   */
  public TokenizerRegistry(Function<String, ModelSettings> settings,
      Function<String, CompletionStage<ModelInfo>> workerInfo, Executor blocking) {
    this.settings = settings;
    this.workerInfo = workerInfo;
    this.blocking = blocking;
  }

  /** The model's text pipeline; completes exceptionally with {@link Unavailable} when it cannot be loaded. */
  public CompletableFuture<ModelText> get(String model) {
    CompletableFuture<ModelText> f = loaded.get(model);
    if (f != null && !f.isCompletedExceptionally()) return f;
    CompletableFuture<ModelText> fresh = new CompletableFuture<>();
    CompletableFuture<ModelText> raced = f == null ? loaded.putIfAbsent(model, fresh)
        : (loaded.replace(model, f, fresh) ? null : loaded.get(model));
    if (raced != null) return raced;
    load(model).whenComplete((text, err) -> {
      if (err != null) {
        Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null ? err.getCause() : err;
        log.warn("cannot load the tokenizer of model '{}': {}", model, cause.getMessage());
        fresh.completeExceptionally(cause instanceof Unavailable ? cause
            : new Unavailable(OpenAiError.internal("cannot load the tokenizer of model '" + model + "': " + cause.getMessage())));
      } else {
        fresh.complete(text);
      }
    });
    return fresh;
  }

  private CompletionStage<ModelText> load(String model) {
    ModelSettings m = settings.apply(model);
    if (m.tokenizer() != null && !m.tokenizer().isBlank()) {
      return CompletableFuture.supplyAsync(() -> read(model, Path.of(m.tokenizer()), m), blocking);
    }
    return workerInfo.apply(model).thenCompose(info -> {
      Path reported = info.tokenizerPath().isEmpty() ? null : Path.of(info.tokenizerPath());
      if (reported == null || !Files.exists(reported)) {
        throw new Unavailable(OpenAiError.internal("model '" + model + "' is served over gRPC but has no tokenizer: set "
            + "models." + model + ".tokenizer in the deployment file"
            + (reported == null ? "" : " (the worker's tokenizer path " + reported + " does not exist here)")));
      }
      return CompletableFuture.supplyAsync(() -> read(model, reported, m), blocking);
    });
  }

  private static ModelText read(String model, Path path, ModelSettings m) {
    Tokenizer tokenizer;
    try {
      tokenizer = Tokenizer.load(path);
    } catch (IOException | RuntimeException e) {
      throw new Unavailable(OpenAiError.internal("cannot load the tokenizer of model '" + model + "' from " + path + ": " + e.getMessage()));
    }
    ChatPrompt prompts = null;
    if (tokenizer.config().chatTemplate() != null) {
      try {
        prompts = ChatPrompt.forConfig(tokenizer.config());
      } catch (ChatPromptException e) {
        log.warn("the chat template of model '{}' does not compile: {}", model, e.getMessage());
      }
    }
    Set<Integer> eos = new HashSet<>(tokenizer.config().eosTokenIds());
    log.info("loaded tokenizer of model '{}' from {} (vocabulary {}, chat template {})", model, path,
        tokenizer.vocabSize(), prompts != null ? "yes" : "no");
    return new ModelText(model, tokenizer, prompts, eos, Optional.ofNullable(m.reasoningParser()), Optional.ofNullable(m.toolParser()));
  }

  /** Starts loading a model's text pipeline ahead of its first request. */
  public void preload(String model) {
    get(model);
  }

  @Override
  public void close() {
    for (CompletableFuture<ModelText> f : loaded.values()) {
      if (f.isDone() && !f.isCompletedExceptionally()) f.join().tokenizer().close();
    }
    loaded.clear();
  }

}
