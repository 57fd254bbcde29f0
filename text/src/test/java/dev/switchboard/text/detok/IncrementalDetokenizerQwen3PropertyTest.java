package dev.switchboard.text.detok;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Property: with the real Qwen3 tokenizer, the concatenated deltas always equal the one-shot decode. */
class IncrementalDetokenizerQwen3PropertyTest {
  private static final List<String> TEXTS = List.of(
      "Hello, world!",
      "你好，世界！这是一个测试。日本語のテキストも混ぜます。",
      "Emoji: \uD83D\uDE00\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67 \uD83C\uDDE9\uD83C\uDDEA and ✓ ünïcödé",
      "def f(x):\n    return {\"a\": [1, 2, 3]}  # comment\n\n\n\t\ttabs   and    spaces",
      "<think>\nLet me think about 数学 ∑ x² …\n</think>\n\nThe answer is 42.<|im_end|>",
      "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Zürich\"}}\n</tool_call>",
      "Кириллица и ελληνικά, עברית, العربية, हिन्दी, 한국어");

  private final TokenDecoder decoder = Qwen3Fixture.decoder();

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void randomIdSequencesStreamToTheOneShotDecode(boolean skipSpecial) {
    SplittableRandom random = new SplittableRandom(20_261_126L + (skipSpecial ? 1 : 0));
    int[] multiBytePool = multiByteIds();
    for (int sequence = 0; sequence < 400; sequence++) {
      int[] ids = new int[1 + random.nextInt(48)];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = switch (random.nextInt(4)) {
          case 0 -> random.nextInt(Qwen3Fixture.vocabEnd());
          case 1 -> random.nextInt(512);
          case 2 -> Qwen3Fixture.ENDOFTEXT + random.nextInt(Qwen3Fixture.vocabEnd() - Qwen3Fixture.ENDOFTEXT);
          default -> multiBytePool[random.nextInt(multiBytePool.length)];
        };
      }
      assertStreamsToOneShot(ids, skipSpecial, random);
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void encodedRealTextsStreamToTheOneShotDecode(boolean skipSpecial) {
    SplittableRandom random = new SplittableRandom(7L);
    for (String text : TEXTS) {
      int[] ids = Qwen3Fixture.encode(text);
      for (int round = 0; round < 20; round++) {
        assertStreamsToOneShot(ids, skipSpecial, random);
      }
    }
  }

  private void assertStreamsToOneShot(int[] ids, boolean skipSpecial, SplittableRandom random) {
    IncrementalDetokenizer detok = new IncrementalDetokenizer(decoder, skipSpecial);
    StringBuilder streamed = new StringBuilder();
    int at = 0;
    while (at < ids.length) {
      int end = random.nextInt(3) == 0 ? Math.min(ids.length, at + 1 + random.nextInt(5)) : at + 1;
      String delta = end == at + 1 ? detok.push(ids[at]) : detok.push(ids, at, end);
      assertThat(delta).doesNotEndWith("\uFFFD");
      assertThat(delta.isEmpty() || !Character.isLowSurrogate(delta.charAt(0))).isTrue();
      streamed.append(delta);
      at = end;
    }
    streamed.append(detok.flush());
    assertThat(streamed.toString()).as("ids %s", java.util.Arrays.toString(ids))
        .isEqualTo(decoder.decode(ids, skipSpecial));
  }

  /** Ids of pieces that are parts of multi-byte characters (CJK, emoji, accents), taken from real encodings. */
  private static int[] multiByteIds() {
    return TEXTS.stream().skip(1).flatMapToInt(t -> java.util.Arrays.stream(Qwen3Fixture.encode(t))).toArray();
  }
}
