package dev.switchboard.text.detok;

import java.util.Arrays;

/**
 * Turns token ids into text. {@code Tokenizer::decode} satisfies it; a decode of bytes that end in an incomplete
 * UTF-8 sequence must yield U+FFFD for it (lossy decoding), as HuggingFace tokenizers do.
 */
@FunctionalInterface
public interface TokenDecoder {
  String decode(int[] ids, boolean skipSpecialTokens);

  /** Decodes {@code ids[from, to)}; implementations that can avoid the copy override it. */
  default String decode(int[] ids, int from, int to, boolean skipSpecialTokens) {
    return decode(Arrays.copyOfRange(ids, from, to), skipSpecialTokens);
  }
}
