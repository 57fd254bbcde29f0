package dev.switchboard.text.detok;

import dev.switchboard.text.BundledTokenizers;
import dev.switchboard.text.Tokenizer;

/** The real Qwen3 tokenizer bundled with the text module (one per JVM) as a {@link TokenDecoder} plus encode. */
final class Qwen3Fixture {
  static final int IM_END = 151_645;
  static final int ENDOFTEXT = 151_643;

  private Qwen3Fixture() {
  }

  static Tokenizer tokenizer() {
    return BundledTokenizers.qwen3();
  }

  static TokenDecoder decoder() {
    return tokenizer()::decode;
  }

  static int[] encode(String text) {
    return tokenizer().encode(text);
  }

  /** One past the highest id: ids 0..151642 are the BPE vocabulary, 151643.. the added tokens. */
  static int vocabEnd() {
    return tokenizer().vocabSize();
  }
}
