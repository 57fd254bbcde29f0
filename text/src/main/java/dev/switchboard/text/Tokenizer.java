package dev.switchboard.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.text.detok.ByteLevelDecoder;
import dev.switchboard.text.detok.TokenDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A HuggingFace {@code tokenizer.json} tokenizer (DJL's binding of the Rust {@code tokenizers} crate) plus the
 * vocabulary and special-token facts read from the JSON files. Thread-safe.
 *
 * <p>Encoding never adds special tokens (chat templates insert them) and never truncates.
 */
public final class Tokenizer implements AutoCloseable, TokenDecoder {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> DJL_OPTIONS =
      Map.of(
          "addSpecialTokens", "false",
          "truncation", "false",
          "modelMaxLength", String.valueOf(Integer.MAX_VALUE - 1));

  static {
    // The native library ships inside DJL's jar: never download, never send DJL's telemetry from a gateway.
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    System.setProperty("OPT_OUT_TRACKING", System.getProperty("OPT_OUT_TRACKING", "true"));
  }

  private final HuggingFaceTokenizer native_;
  private final long handle;
  private final Map<String, Integer> tokenToId;
  private final String[] idToToken;
  private final boolean[] special;
  private final TokenizerConfig config;
  /** The decode in Java when the decoder is ByteLevel (checked equal to the native one by TokenizerTest), else null. */
  private final ByteLevelDecoder byteLevel;
  private volatile boolean closed;

  private Tokenizer(
      HuggingFaceTokenizer nativeTokenizer,
      Map<String, Integer> tokenToId,
      String[] idToToken,
      boolean[] special,
      TokenizerConfig config,
      boolean byteLevelDecoder) {
    this.native_ = nativeTokenizer;
    this.byteLevel = byteLevelDecoder ? ByteLevelDecoder.of(idToToken, special) : null;
    this.handle = nativeTokenizer.getHandle();
    this.tokenToId = tokenToId;
    this.idToToken = idToToken;
    this.special = special;
    this.config = config;
  }

  /**
   * Loads a tokenizer from a directory holding {@code tokenizer.json} (and optionally {@code tokenizer_config.json},
   * {@code generation_config.json}, {@code chat_template.jinja}) or from the path of a {@code tokenizer.json}.
   */
  public static Tokenizer load(Path dirOrTokenizerJson) throws IOException {
    Path tokenizerJson = tokenizerJson(dirOrTokenizerJson);
    Vocabulary vocabulary = Vocabulary.read(tokenizerJson);
    TokenizerConfig config = TokenizerConfigReader.read(tokenizerJson.toAbsolutePath().getParent(), vocabulary.tokenToId);
    HuggingFaceTokenizer nativeTokenizer;
    try (InputStream in = Files.newInputStream(tokenizerJson)) {
      nativeTokenizer = HuggingFaceTokenizer.newInstance(in, DJL_OPTIONS);
    }
    return new Tokenizer(nativeTokenizer, vocabulary.tokenToId, vocabulary.idToToken, vocabulary.special, config,
        vocabulary.byteLevelDecoder);
  }

  /** Only the configuration (chat template, special tokens), without loading the native tokenizer. */
  public static TokenizerConfig loadConfig(Path dirOrTokenizerJson) throws IOException {
    Path tokenizerJson = tokenizerJson(dirOrTokenizerJson);
    Vocabulary vocabulary = Vocabulary.read(tokenizerJson);
    return TokenizerConfigReader.read(tokenizerJson.toAbsolutePath().getParent(), vocabulary.tokenToId);
  }

  private static Path tokenizerJson(Path dirOrTokenizerJson) throws IOException {
    Path tokenizerJson =
        Files.isDirectory(dirOrTokenizerJson) ? dirOrTokenizerJson.resolve("tokenizer.json") : dirOrTokenizerJson;
    if (!Files.isRegularFile(tokenizerJson)) {
      throw new IOException("no tokenizer.json at " + dirOrTokenizerJson);
    }
    return tokenizerJson;
  }

  /** The exact ids of the reference tokenizer; no special tokens are added, nothing is truncated. */
  public int[] encode(String text) {
    ensureOpen();
    if (text.isEmpty()) {
      return new int[0];
    }
    long encoding = TokenizersLibrary.LIB.encode(handle, text, false);
    try {
      long[] ids = TokenizersLibrary.LIB.getTokenIds(encoding);
      int[] out = new int[ids.length];
      for (int i = 0; i < ids.length; i++) {
        out[i] = (int) ids[i];
      }
      return out;
    } finally {
      TokenizersLibrary.LIB.deleteEncoding(encoding);
    }
  }

  /** Decodes ids to text; ids outside the vocabulary are ignored, as the reference does. */
  @Override
  public String decode(int[] ids, boolean skipSpecialTokens) {
    return decode(ids, 0, ids.length, skipSpecialTokens);
  }

  /** Decodes {@code ids[from, to)}: in Java for a ByteLevel decoder, else by the native tokenizer. */
  @Override
  public String decode(int[] ids, int from, int to, boolean skipSpecialTokens) {
    ensureOpen();
    String text = byteLevel != null
        ? byteLevel.decode(ids, from, to, skipSpecialTokens)
        : nativeDecode(Arrays.copyOfRange(ids, from, to), skipSpecialTokens);
    return config.cleanUpTokenizationSpaces() ? cleanUpTokenizationSpaces(text) : text;
  }

  /** The Rust tokenizer's decode, whatever the decoder (tests compare the Java decode with it). */
  public String nativeDecode(int[] ids, boolean skipSpecialTokens) {
    ensureOpen();
    long[] longIds = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      longIds[i] = ids[i];
    }
    return TokenizersLibrary.LIB.decode(handle, longIds, skipSpecialTokens);
  }

  /** Whether decoding runs in Java ({@link ByteLevelDecoder}) rather than through the native tokenizer. */
  public boolean decodesInJava() {
    return byteLevel != null;
  }

  /** Whether the id is an added token marked {@code "special": true} in {@code tokenizer.json}. */
  public boolean isSpecial(int id) {
    return id >= 0 && id < special.length && special[id];
  }

  /** The id of a vocabulary or added token given in its stored form (e.g. {@code "<|im_end|>"}, {@code "Ġthe"}). */
  public OptionalInt tokenToId(String token) {
    Integer id = tokenToId.get(token);
    return id == null ? OptionalInt.empty() : OptionalInt.of(id);
  }

  /** The stored form of a token (byte-level BPE tokens look like {@code "Ġthe"}), or {@code null} if unknown. */
  public String idToToken(int id) {
    return id >= 0 && id < idToToken.length ? idToToken[id] : null;
  }

  /** One past the highest id of the vocabulary and the added tokens (transformers' {@code len(tokenizer)}). */
  public int vocabSize() {
    return idToToken.length;
  }

  public TokenizerConfig config() {
    return config;
  }

  /** Frees the native tokenizer; call only once no thread uses it any more. */
  @Override
  public void close() {
    closed = true;
    native_.close();
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("tokenizer is closed");
    }
  }

  /** transformers' {@code clean_up_tokenization}: removes the space before punctuation and English contractions. */
  static String cleanUpTokenizationSpaces(String text) {
    return text.replace(" .", ".")
        .replace(" ?", "?")
        .replace(" !", "!")
        .replace(" ,", ",")
        .replace(" ' ", "'")
        .replace(" n't", "n't")
        .replace(" 'm", "'m")
        .replace(" 's", "'s")
        .replace(" 've", "'ve")
        .replace(" 're", "'re");
  }

  /** Token strings and ids of the model vocabulary plus the added tokens. */
  private record Vocabulary(Map<String, Integer> tokenToId, String[] idToToken, boolean[] special,
      boolean byteLevelDecoder) {
    /** Streams tokenizer.json, reading only {@code model.vocab} and {@code added_tokens} (merges are skipped). */
    static Vocabulary read(Path tokenizerJson) throws IOException {
      Map<String, Integer> tokenToId = new HashMap<>(256_000);
      JsonNode addedTokens = null;
      JsonNode decoder = null;
      boolean sawVocab = false;
      try (JsonParser p = JSON.getFactory().createParser(tokenizerJson.toFile())) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          throw new IOException(tokenizerJson + " is not a JSON object");
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          p.nextToken();
          if (field.equals("added_tokens")) {
            addedTokens = p.readValueAsTree();
          } else if (field.equals("decoder")) {
            decoder = p.readValueAsTree();
          } else if (field.equals("model") && p.currentToken() == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String modelField = p.currentName();
              p.nextToken();
              if (modelField.equals("vocab")) {
                sawVocab = readVocab(p, tokenToId);
              } else {
                p.skipChildren();
              }
            }
          } else {
            p.skipChildren();
          }
        }
      }
      if (!sawVocab) {
        throw new IOException(tokenizerJson + " has no model.vocab");
      }
      Set<Integer> specialIds = new LinkedHashSet<>();
      if (addedTokens != null) {
        for (JsonNode added : addedTokens) {
          int id = added.path("id").asInt();
          tokenToId.put(added.path("content").asText(), id);
          if (added.path("special").asBoolean(false)) {
            specialIds.add(id);
          }
        }
      }
      int size = tokenToId.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
      String[] idToToken = new String[size];
      for (Map.Entry<String, Integer> entry : tokenToId.entrySet()) {
        idToToken[entry.getValue()] = entry.getKey();
      }
      boolean[] special = new boolean[size];
      specialIds.forEach(id -> special[id] = true);
      // exactly ByteLevel (its options only matter for encoding); Sequence, Metaspace, ... stay native
      boolean byteLevel = decoder != null && decoder.isObject() && "ByteLevel".equals(decoder.path("type").asText());
      return new Vocabulary(tokenToId, idToToken, special, byteLevel);
    }

    /** BPE/WordPiece/WordLevel: {token: id}; Unigram: [[piece, score], ...] with id = position. */
    private static boolean readVocab(JsonParser p, Map<String, Integer> tokenToId) throws IOException {
      if (p.currentToken() == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String token = p.currentName();
          p.nextToken();
          tokenToId.put(token, p.getIntValue());
        }
        return true;
      }
      if (p.currentToken() == JsonToken.START_ARRAY) {
        int id = 0;
        while (p.nextToken() == JsonToken.START_ARRAY) {
          p.nextToken();
          tokenToId.put(p.getText(), id++);
          while (p.nextToken() != JsonToken.END_ARRAY) {
            p.skipChildren();
          }
        }
        return true;
      }
      p.skipChildren();
      return false;
    }
  }

  /** Reads {@code tokenizer_config.json}, {@code generation_config.json} and {@code chat_template.jinja}. */
  private static final class TokenizerConfigReader {
    static TokenizerConfig read(Path dir, Map<String, Integer> tokenToId) throws IOException {
      JsonNode cfg = readJson(dir.resolve("tokenizer_config.json"));
      String template = null;
      Map<String, String> named = new LinkedHashMap<>();
      JsonNode templateNode = cfg.path("chat_template");
      if (templateNode.isTextual()) {
        template = templateNode.asText();
      } else if (templateNode.isArray()) {
        for (JsonNode entry : templateNode) {
          named.put(entry.path("name").asText(), entry.path("template").asText());
        }
        template = named.get("default");
      }
      Path jinja = dir.resolve("chat_template.jinja");
      if (template == null && Files.isRegularFile(jinja)) {
        template = Files.readString(jinja);
      }
      String bos = tokenText(cfg.get("bos_token"));
      String eos = tokenText(cfg.get("eos_token"));
      Set<Integer> eosIds = new LinkedHashSet<>();
      if (eos != null && tokenToId.containsKey(eos)) {
        eosIds.add(tokenToId.get(eos));
      }
      JsonNode generationEos = readJson(dir.resolve("generation_config.json")).path("eos_token_id");
      if (generationEos.isInt()) {
        eosIds.add(generationEos.asInt());
      } else {
        generationEos.forEach(id -> eosIds.add(id.asInt()));
      }
      return new TokenizerConfig(
          template,
          named,
          bos,
          eos,
          tokenText(cfg.get("pad_token")),
          tokenText(cfg.get("unk_token")),
          Arrays.asList(eosIds.toArray(Integer[]::new)),
          cfg.path("clean_up_tokenization_spaces").asBoolean(false));
    }

    private static JsonNode readJson(Path file) throws IOException {
      if (!Files.isRegularFile(file)) {
        return JSON.createObjectNode();
      }
      try (InputStream in = Files.newInputStream(file)) {
        return JSON.readTree(in);
      }
    }

    /** A token is either a string or an AddedToken object {@code {"content": ...}}. */
    private static String tokenText(JsonNode node) {
      if (node == null || node.isNull()) {
        return null;
      }
      return node.isObject() ? node.path("content").asText(null) : node.asText();
    }
  }
}
