package dev.switchboard.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TokenizerTest {
  private final Tokenizer tokenizer = BundledTokenizers.qwen3();

  /** Reference ids produced by @lenml/tokenizers (see generate_reference_ids.js). */
  static Stream<Arguments> referenceCases() throws IOException {
    JsonNode root;
    try (InputStream in = TokenizerTest.class.getResourceAsStream("/tokenizer/qwen3-reference-ids.json")) {
      root = new ObjectMapper().readTree(in);
    }
    List<Arguments> cases = new ArrayList<>();
    for (JsonNode c : root.get("cases")) {
      int[] ids = new int[c.get("ids").size()];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = c.get("ids").get(i).asInt();
      }
      String text = c.get("text").asText();
      String label = text.length() > 40 ? text.substring(0, 40) + "…" : text;
      cases.add(Arguments.argumentSet(new ObjectMapper().writeValueAsString(label), text, ids));
    }
    return cases.stream();
  }

  @ParameterizedTest
  @MethodSource("referenceCases")
  void encodesExactlyLikeTheReference(String text, int[] expectedIds) {
    assertThat(tokenizer.encode(text)).containsExactly(expectedIds);
  }

  @ParameterizedTest
  @MethodSource("referenceCases")
  void decodeRoundTripsTheText(String text, int[] ids) {
    assertThat(tokenizer.decode(ids, false)).isEqualTo(text);
  }

  @Test
  void knownIdsForHelloWorld() {
    assertThat(tokenizer.encode("Hello, world!")).containsExactly(9707, 11, 1879, 0);
  }

  @Test
  void doesNotTruncateLongInputs() {
    String text = "word ".repeat(5000);
    assertThat(tokenizer.encode(text)).hasSizeGreaterThan(4000);
  }

  @Test
  void skipSpecialTokensDropsOnlySpecialTokens() {
    int[] ids = tokenizer.encode("<|im_start|>assistant\nHi<|im_end|>");
    assertThat(tokenizer.decode(ids, true)).isEqualTo("assistant\nHi");
    assertThat(tokenizer.decode(ids, false)).isEqualTo("<|im_start|>assistant\nHi<|im_end|>");
  }

  @Test
  void specialTokenFlagsComeFromAddedTokens() {
    int imStart = tokenizer.tokenToId("<|im_start|>").orElseThrow();
    int toolCall = tokenizer.tokenToId("<tool_call>").orElseThrow();
    assertThat(imStart).isEqualTo(151644);
    assertThat(tokenizer.isSpecial(imStart)).isTrue();
    assertThat(toolCall).isEqualTo(151657);
    assertThat(tokenizer.isSpecial(toolCall)).as("<tool_call> is added but not special").isFalse();
    assertThat(tokenizer.isSpecial(9707)).isFalse();
    assertThat(tokenizer.isSpecial(-1)).isFalse();
  }

  @Test
  void vocabularyLookupsUseStoredTokenForms() {
    assertThat(tokenizer.idToToken(9707)).isEqualTo("Hello");
    assertThat(tokenizer.idToToken(1879)).isEqualTo("Ġworld");
    assertThat(tokenizer.tokenToId("Ġworld")).hasValue(1879);
    assertThat(tokenizer.tokenToId("no such token")).isEmpty();
    assertThat(tokenizer.idToToken(tokenizer.vocabSize())).isNull();
    assertThat(tokenizer.vocabSize()).isEqualTo(151669);
  }

  @Test
  void configCarriesTemplateAndSpecialTokens() {
    TokenizerConfig config = tokenizer.config();
    assertThat(config.chatTemplate()).contains("<|im_start|>").contains("enable_thinking");
    assertThat(config.bosToken()).isNull();
    assertThat(config.eosToken()).isEqualTo("<|im_end|>");
    assertThat(config.padToken()).isEqualTo("<|endoftext|>");
    assertThat(config.eosTokenIds()).containsExactly(151645);
    assertThat(config.cleanUpTokenizationSpaces()).isFalse();
  }

  @Test
  void readsGenerationConfigAddedTokenObjectsAndCleansUpSpaces(@TempDir Path dir) throws IOException {
    Files.writeString(
        dir.resolve("tokenizer.json"),
        """
        {"version": "1.0", "truncation": null, "padding": null,
         "added_tokens": [{"id": 5, "content": "<eos>", "single_word": false, "lstrip": false, "rstrip": false,
                           "normalized": false, "special": true}],
         "normalizer": null, "pre_tokenizer": {"type": "Whitespace"}, "post_processor": null, "decoder": null,
         "model": {"type": "WordLevel", "unk_token": "[UNK]",
                   "vocab": {"[UNK]": 0, "Hello": 1, ",": 2, "world": 3, "!": 4}}}
        """);
    Files.writeString(
        dir.resolve("tokenizer_config.json"),
        """
        {"bos_token": {"content": "<eos>", "__type": "AddedToken"}, "eos_token": "<eos>",
         "clean_up_tokenization_spaces": true,
         "chat_template": [{"name": "default", "template": "{{ bos_token }}"}, {"name": "tool_use", "template": "T"}]}
        """);
    Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": [5, 4]}");
    Tokenizer closedLater;
    try (Tokenizer loaded = Tokenizer.load(dir.resolve("tokenizer.json"))) {
      closedLater = loaded;
      TokenizerConfig config = loaded.config();
      assertThat(config.bosToken()).isEqualTo("<eos>");
      assertThat(config.chatTemplate()).isEqualTo("{{ bos_token }}");
      assertThat(config.namedChatTemplates()).containsEntry("tool_use", "T");
      assertThat(config.eosTokenIds()).containsExactly(5, 4);
      assertThat(loaded.encode("Hello, world!<eos>")).containsExactly(1, 2, 3, 4, 5);
      assertThat(loaded.isSpecial(5)).isTrue();
      assertThat(loaded.vocabSize()).isEqualTo(6);
      assertThat(loaded.decode(new int[] {1, 2, 3, 4}, false)).isEqualTo("Hello, world!");
      assertThat(Tokenizer.loadConfig(dir)).isEqualTo(config);
    }
    assertThatThrownBy(() -> closedLater.encode("Hello")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void missingFileIsAnIOException(@TempDir Path dir) {
    assertThatThrownBy(() -> Tokenizer.load(dir)).isInstanceOf(IOException.class).hasMessageContaining("tokenizer.json");
  }
}
