package dev.switchboard.sim.grpc;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.switchboard.sim.engine.SimOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The token ids the gRPC simulator emits: with a tokenizer, the ids of ordinary words (each a single token with
 * its leading space) so the output decodes to readable text; without one, fixed ids 1000 and up.
 */
public final class GrpcVocabulary {

  /** First id of the fixed vocabulary used without a tokenizer. */
  public static final int FIXED_BASE_ID = 1000;

  private static final java.util.concurrent.ConcurrentHashMap<String, GrpcVocabulary> LOADED =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final int[] ids;
  private final HuggingFaceTokenizer tokenizer;

  private GrpcVocabulary(int[] ids, HuggingFaceTokenizer tokenizer) {
    this.ids = ids;
    this.tokenizer = tokenizer;
  }

  /** Fixed ids {@code 1000 + i}, one per word of {@link SimOutput#vocabulary()}. */
  public static GrpcVocabulary fixed() {
    int[] ids = new int[SimOutput.vocabulary().size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = FIXED_BASE_ID + i;
    }
    return new GrpcVocabulary(ids, null);
  }

  /** Ordinary-word ids of a HuggingFace tokenizer.json (or a directory holding one). */
  public static GrpcVocabulary fromTokenizer(String tokenizerPath) {
    Path path = Path.of(tokenizerPath);
    if (Files.isDirectory(path)) {
      path = path.resolve("tokenizer.json");
    }
    Map<String, String> options = Map.of("addSpecialTokens", "false", "truncation", "false",
        "modelMaxLength", "10000000");
    HuggingFaceTokenizer tokenizer;
    try {
      tokenizer = HuggingFaceTokenizer.newInstance(path, options);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load tokenizer " + path, e);
    }
    List<Integer> ids = new ArrayList<>();
    for (String word : SimOutput.vocabulary()) {
      long[] encoded = tokenizer.encode(" " + word, false, false).getIds();
      if (encoded.length == 1) {
        ids.add((int) encoded[0]);
      }
    }
    if (ids.isEmpty()) {
      tokenizer.close();
      throw new IllegalArgumentException("no single-token words in tokenizer " + path);
    }
    // kept open for scripted answers; one per tokenizer path for the life of the process
    return new GrpcVocabulary(ids.stream().mapToInt(Integer::intValue).toArray(), tokenizer);
  }

  /** The vocabulary for a configured tokenizer path (null or blank: fixed ids); loaded once per path. */
  public static GrpcVocabulary forPath(String tokenizerPath) {
    if (tokenizerPath == null || tokenizerPath.isBlank()) {
      return fixed();
    }
    GrpcVocabulary cached = LOADED.get(tokenizerPath);
    if (cached == null) {
      cached = fromTokenizer(tokenizerPath);
      LOADED.putIfAbsent(tokenizerPath, cached);
    }
    return cached;
  }

  /** The id for a vocabulary word index (as chosen by {@link SimOutput#wordIndex}). */
  public int id(int wordIndex) {
    return ids[wordIndex % ids.length];
  }

  public int size() {
    return ids.length;
  }

  public boolean fromTokenizer() {
    return tokenizer != null;
  }

  /** Token ids of a text (no special tokens added); needs a tokenizer. */
  public int[] encode(String text) {
    if (tokenizer == null) {
      throw new IllegalStateException("a scripted text answer needs a tokenizer (SimConfig.tokenizerPath)");
    }
    long[] encoded;
    synchronized (tokenizer) {
      encoded = tokenizer.encode(text, false, false).getIds();
    }
    int[] ids = new int[encoded.length];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = (int) encoded[i];
    }
    return ids;
  }
}
