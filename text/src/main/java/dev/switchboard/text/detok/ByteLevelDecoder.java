package dev.switchboard.text.detok;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The decode of HuggingFace's {@code ByteLevel} decoder (GPT-2, Qwen, Llama 3 tokenizers) in plain Java: each token's
 * characters map back to the bytes they stand for (its UTF-8 as is when a character is outside the byte alphabet,
 * as the Rust decoder does), the bytes of all ids are joined and read as UTF-8 with U+FFFD for broken sequences.
 * Built once per tokenizer as a table id → bytes; a decode is then an array copy and a string decode instead of a
 * JNI call into the Rust tokenizer (a streamed token costs two decodes). Thread-safe.
 */
public final class ByteLevelDecoder implements TokenDecoder {
  private static final int[] BYTE_OF_CHAR = byteOfChar();

  private final byte[][] bytesById;
  private final boolean[] special;

  private ByteLevelDecoder(byte[][] bytesById, boolean[] special) {
    this.bytesById = bytesById;
    this.special = special;
  }

  /**
   * @param idToToken the stored form of each id ({@code null} for gaps), added tokens included
   * @param special whether each id is an added token marked special (skipped when asked)
   */
  public static ByteLevelDecoder of(String[] idToToken, boolean[] special) {
    byte[][] table = new byte[idToToken.length][];
    for (int id = 0; id < idToToken.length; id++) {
      if (idToToken[id] != null) table[id] = bytesOf(idToToken[id]);
    }
    return new ByteLevelDecoder(table, Arrays.copyOf(special, idToToken.length));
  }

  /** The bytes one token stands for: byte-level mapped when every character maps, else its UTF-8. */
  static byte[] bytesOf(String token) {
    byte[] out = new byte[token.length()];
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      int b = c < BYTE_OF_CHAR.length ? BYTE_OF_CHAR[c] : -1;
      if (b < 0) return token.getBytes(StandardCharsets.UTF_8);
      out[i] = (byte) b;
    }
    return out;
  }

  @Override
  public String decode(int[] ids, boolean skipSpecialTokens) {
    return decode(ids, 0, ids.length, skipSpecialTokens);
  }

  /** Decodes {@code ids[from, to)}; ids outside the vocabulary are ignored, as the reference does. */
  @Override
  public String decode(int[] ids, int from, int to, boolean skipSpecialTokens) {
    int length = 0;
    for (int i = from; i < to; i++) {
      byte[] b = token(ids[i], skipSpecialTokens);
      if (b != null) length += b.length;
    }
    byte[] out = new byte[length];
    int at = 0;
    for (int i = from; i < to; i++) {
      byte[] b = token(ids[i], skipSpecialTokens);
      if (b == null) continue;
      System.arraycopy(b, 0, out, at, b.length);
      at += b.length;
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  private byte[] token(int id, boolean skipSpecialTokens) {
    if (id < 0 || id >= bytesById.length || (skipSpecialTokens && special[id])) return null;
    return bytesById[id];
  }

  /** GPT-2's bytes_to_unicode, inverted: printable Latin-1 bytes stand for themselves, the rest for U+0100 + n. */
  private static int[] byteOfChar() {
    int[] map = new int[512];
    Arrays.fill(map, -1);
    int n = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      if (printable) {
        map[b] = b;
      } else {
        map[256 + n] = b;
        n++;
      }
    }
    return map;
  }
}
