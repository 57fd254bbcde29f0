package dev.switchboard.text.detok;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.text.Tokenizer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Java ByteLevel decode gives exactly the native (Rust) tokenizer's text for Qwen3: every id alone, random id
 * sequences (broken UTF-8, added and special tokens, ids out of range among them), every window of real text.
 */
class ByteLevelDecoderQwen3Test {
  private final Tokenizer tokenizer = Qwen3Fixture.tokenizer();

  @Test
  void qwen3DecodesInJava() {
    assertThat(tokenizer.decodesInJava()).isTrue();
  }

  @Test
  void everyIdAloneDecodesLikeTheNativeTokenizer() {
    for (int id = 0; id < tokenizer.vocabSize(); id++) {
      int[] ids = {id};
      for (boolean skip : new boolean[] {false, true}) {
        assertThat(tokenizer.decode(ids, skip)).as("id %d, skip %s", id, skip).isEqualTo(tokenizer.nativeDecode(ids, skip));
      }
    }
  }

  @Test
  void randomSequencesDecodeLikeTheNativeTokenizer() {
    Random r = new Random(42);
    int vocab = tokenizer.vocabSize();
    for (int n = 0; n < 20_000; n++) {
      int[] ids = new int[1 + r.nextInt(8)];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = switch (r.nextInt(6)) {
          case 0 -> r.nextInt(256);                 // single-byte tokens: continuation and lead bytes alone
          case 1 -> vocab - 1 - r.nextInt(40);      // added tokens, special or not
          case 2 -> vocab + r.nextInt(10);          // out of range: ignored
          default -> r.nextInt(vocab);
        };
      }
      boolean skip = r.nextBoolean();
      assertThat(tokenizer.decode(ids, skip)).as("ids %s", java.util.Arrays.toString(ids)).isEqualTo(tokenizer.nativeDecode(ids, skip));
    }
  }

  @Test
  void everyWindowOfRealTextDecodesLikeTheNativeTokenizer() {
    int[] ids = tokenizer.encode("Grüße aus Köln! 東京は晴れ 🌤️🦊 — naïve café, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢; <think>x</think> \"quotes\"\n\ttabs");
    for (int from = 0; from < ids.length; from++) {
      for (int to = from + 1; to <= ids.length; to++) {
        int[] window = java.util.Arrays.copyOfRange(ids, from, to);
        assertThat(tokenizer.decode(ids, from, to, false)).isEqualTo(tokenizer.nativeDecode(window, false));
      }
    }
  }
}
