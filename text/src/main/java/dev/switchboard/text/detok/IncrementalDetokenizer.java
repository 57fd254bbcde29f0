package dev.switchboard.text.detok;

import java.util.Arrays;
import java.util.Objects;

/**
 * Streaming detokenization by prefix-offset decoding (as in HF text-generation-inference and SGLang).
 *
 * <p>Two offsets split the ids seen so far: {@code [prefixOffset, readOffset)} is the window whose text was already
 * emitted and serves as left context, {@code [readOffset, size)} holds ids not emitted yet. Each step decodes
 * {@code [prefixOffset, size)} and emits what follows the context text, but only when the result does not end in
 * U+FFFD (an incomplete UTF-8 sequence). Decoding with left context keeps word-initial spaces right for
 * SentencePiece-style tokenizers; holding back U+FFFD keeps multi-byte characters whole.
 *
 * <p>Cost per step: one decode of the window, plus one more when text is emitted. The window is normally two or
 * three tokens; it only grows while tokens keep ending in an incomplete character or decode to nothing.
 * Not thread-safe: one instance per generated sequence.
 */
public final class IncrementalDetokenizer {
  private static final char REPLACEMENT = '\uFFFD';

  private final TokenDecoder decoder;
  private final boolean skipSpecialTokens;
  private int[] ids = new int[32];
  private int size;
  private int dropped;
  private int prefixOffset;
  private int readOffset;
  private String prefixText = "";

  public IncrementalDetokenizer(TokenDecoder decoder, boolean skipSpecialTokens) {
    this.decoder = Objects.requireNonNull(decoder, "decoder");
    this.skipSpecialTokens = skipSpecialTokens;
  }

  /** Adds one token id; returns the text that became final (possibly empty). */
  public String push(int id) {
    append(id);
    return advance(false);
  }

  /** Adds {@code ids[from, to)} at once (one decode for the whole run); returns the text that became final. */
  public String push(int[] chunk, int from, int to) {
    Objects.checkFromToIndex(from, to, chunk.length);
    for (int i = from; i < to; i++) {
      append(chunk[i]);
    }
    return from == to ? "" : advance(false);
  }

  public String push(int[] chunk) {
    return push(chunk, 0, chunk.length);
  }

  /**
   * Emits everything not yet emitted, even a trailing incomplete character (as U+FFFD, exactly like the one-shot
   * decode). Call once at the end of the sequence; the concatenation of all returned text then equals
   * {@code decoder.decode(allIds, skipSpecialTokens)}.
   */
  public String flush() {
    return advance(true);
  }

  /** Number of ids pushed so far. */
  public int tokenCount() {
    return size + dropped;
  }

  private String advance(boolean force) {
    if (readOffset == size) {
      return "";
    }
    String text = decoder.decode(ids, prefixOffset, size, skipSpecialTokens);
    if (text.length() <= prefixText.length() || (!force && text.charAt(text.length() - 1) == REPLACEMENT)) {
      return "";
    }
    String delta = text.substring(prefixText.length());
    prefixOffset = readOffset;
    readOffset = size;
    prefixText = prefixOffset == readOffset
        ? ""
        : decoder.decode(ids, prefixOffset, readOffset, skipSpecialTokens);
    return delta;
  }

  private void append(int id) {
    if (size == ids.length) {
      compactOrGrow();
    }
    ids[size++] = id;
  }

  /** Ids before prefixOffset are never decoded again: drop them instead of growing when they fill half. */
  private void compactOrGrow() {
    if (prefixOffset >= ids.length / 2) {
      System.arraycopy(ids, prefixOffset, ids, 0, size - prefixOffset);
      size -= prefixOffset;
      readOffset -= prefixOffset;
      dropped += prefixOffset;
      prefixOffset = 0;
    } else {
      ids = Arrays.copyOf(ids, ids.length * 2);
    }
  }
}
