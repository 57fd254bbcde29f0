package dev.switchboard.text.detok;

/**
 * Turns token ids into text. {@code Tokenizer::decode} satisfies it; a decode of bytes that end in an incomplete
 * UTF-8 sequence must yield U+FFFD for it (lossy decoding), as HuggingFace tokenizers do.
 */
@FunctionalInterface
public interface TokenDecoder {
  String decode(int[] ids, boolean skipSpecialTokens);
}
