package dev.switchboard.sim.kv;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.sim.cache.SimChatFormat;
import dev.switchboard.sim.cache.SimTokens;
import dev.switchboard.text.Tokenizer;
import dev.switchboard.text.chat.ChatPrompt;
import dev.switchboard.text.chat.ChatPromptException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How a simulated HTTP worker turns request text into the token ids its KV cache holds (and its KV events carry).
 * Without a tokenizer: {@link SimTokens} (one id per word) and {@link SimChatFormat}. With one: the model's
 * {@code tokenizer.json} and its chat template, as a real engine does, so a gateway tokenizing with the same files
 * computes the same ids.
 */
public sealed interface PromptEncoder permits PromptEncoder.Words, PromptEncoder.Model {
  int[] text(String text);

  /** The prompt of an OpenAI chat request ({@code messages}, {@code tools}, ...). */
  int[] chat(JsonNode request);

  static PromptEncoder forTokenizer(String tokenizerPath) {
    return tokenizerPath == null || tokenizerPath.isBlank() ? Words.INSTANCE : Model.load(tokenizerPath);
  }

  /** The simulator's own word tokens. */
  final class Words implements PromptEncoder {
    static final Words INSTANCE = new Words();

    @Override public int[] text(String text) { return SimTokens.tokenize(text); }

    @Override public int[] chat(JsonNode request) { return SimTokens.tokenize(SimChatFormat.render(request.get("messages"))); }
  }

  /** A HuggingFace tokenizer with its chat template; loaded once per path and process. */
  final class Model implements PromptEncoder {
    private static final Map<String, Model> LOADED = new ConcurrentHashMap<>();
    private final Tokenizer tokenizer;
    private final ChatPrompt prompts;

    private Model(Tokenizer tokenizer, ChatPrompt prompts) {
      this.tokenizer = tokenizer;
      this.prompts = prompts;
    }

    static Model load(String path) {
      return LOADED.computeIfAbsent(path, p -> {
        try {
          Tokenizer t = Tokenizer.load(Path.of(p));
          return new Model(t, t.config().chatTemplate() == null ? null : ChatPrompt.forConfig(t.config()));
        } catch (IOException e) {
          throw new UncheckedIOException("cannot load tokenizer " + p, e);
        } catch (ChatPromptException e) {
          throw new IllegalArgumentException("the chat template of " + p + " does not compile: " + e.getMessage(), e);
        }
      });
    }

    @Override public int[] text(String text) { return tokenizer.encode(text); }

    @Override
    public int[] chat(JsonNode request) {
      if (prompts == null) return Words.INSTANCE.chat(request);
      try {
        return tokenizer.encode(prompts.render(request));
      } catch (ChatPromptException e) {
        throw new dev.switchboard.sim.http.BadRequest(e.getMessage());
      }
    }
  }
}
