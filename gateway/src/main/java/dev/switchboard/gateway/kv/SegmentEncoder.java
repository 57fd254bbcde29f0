package dev.switchboard.gateway.kv;

import dev.switchboard.text.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Encodes rendered prompts piece by piece, caching what repeats. A HuggingFace tokenizer matches special tokens
 * ({@code <|im_start|>}, ...) before anything else and encodes the text between them independently, so a prompt
 * cut at its special tokens encodes to exactly the concatenation of its pieces' ids. A chat template puts special
 * tokens between messages, so in a multi-turn conversation or behind a shared system prompt every earlier message
 * is a piece seen before: only the new message is tokenized.
 *
 * <p>The cache holds pieces of at least {@value #MIN_CACHED_CHARS} characters, up to {@code maxCachedIds} ids in
 * all; when full it is emptied (cheaper than LRU bookkeeping on every hit, and refilled by what still repeats).
 */
final class SegmentEncoder {
  static final int MIN_CACHED_CHARS = 64;

  private final Tokenizer tokenizer;
  private final String[] specials;
  private final int[] specialIds;
  private final boolean[] startsSpecial = new boolean[128];
  private final Map<String, int[]> cache = new ConcurrentHashMap<>();
  private final AtomicLong cachedIds = new AtomicLong();
  private final long maxCachedIds;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();

  SegmentEncoder(Tokenizer tokenizer, long maxCachedIds) {
    this.tokenizer = tokenizer;
    this.maxCachedIds = maxCachedIds;
    List<String> found = new ArrayList<>();
    for (int id = 0; id < tokenizer.vocabSize(); id++) {
      String t = tokenizer.idToToken(id);
      if (tokenizer.isSpecial(id) && t != null && !t.isEmpty() && t.charAt(0) < 128) found.add(t);
    }
    found.sort(Comparator.comparingInt(String::length).reversed()); // longest first: no special is cut short
    this.specials = found.toArray(String[]::new);
    this.specialIds = new int[specials.length];
    for (int i = 0; i < specials.length; i++) {
      specialIds[i] = tokenizer.tokenToId(specials[i]).orElseThrow();
      startsSpecial[specials[i].charAt(0)] = true;
    }
  }

  long hits() { return hits.get(); }

  long misses() { return misses.get(); }

  int[] encode(String text) {
    return encode(text, Integer.MAX_VALUE, null);
  }

  /**
   * As {@link #encode(String)}, unless more than {@code budgetChars} characters are not cached yet: then the
   * missing pieces are encoded on {@code background} (filling the cache for the next request) and the answer is
   * {@code null}. So a caller on an event loop never spends more than a small, bounded time here.
   */
  int[] encode(String text, int budgetChars, java.util.concurrent.Executor background) {
    if (budgetChars != Integer.MAX_VALUE && uncachedChars(text) > budgetChars) {
      background.execute(() -> encode(text));
      return null;
    }
    return encodeNow(text);
  }

  /** Told each ordinary piece of a text and each special token between them, in order. */
  private interface Pieces {
    void piece(String text, int start, int end);

    void special(int index);
  }

  /** Splits {@code text} at special tokens (which are never cut or cached) into ordinary pieces. */
  private void split(String text, Pieces pieces) {
    int pieceStart = 0;
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      int special = c < 128 && startsSpecial[c] ? specialAt(text, i) : -1;
      if (special < 0) {
        i++;
        continue;
      }
      if (i > pieceStart) pieces.piece(text, pieceStart, i);
      pieces.special(special);
      i += specials[special].length();
      pieceStart = i;
    }
    if (n > pieceStart) pieces.piece(text, pieceStart, n);
  }

  /** Characters of {@code text} whose pieces would have to be tokenized now. */
  private int uncachedChars(String text) {
    int[] uncached = {0};
    split(text, new Pieces() {
      @Override public void piece(String t, int start, int end) {
        if (end - start < MIN_CACHED_CHARS || !cache.containsKey(t.substring(start, end))) uncached[0] += end - start;
      }

      @Override public void special(int index) {}
    });
    return uncached[0];
  }

  private int[] encodeNow(String text) {
    int[][] out = {new int[Math.max(16, text.length() / 3)]};
    int[] size = {0};
    split(text, new Pieces() {
      @Override public void piece(String t, int start, int end) {
        int[] ids = SegmentEncoder.this.piece(t.substring(start, end));
        out[0] = ensure(out[0], size[0], ids.length);
        size[0] = append(out[0], size[0], ids);
      }

      @Override public void special(int index) {
        out[0] = ensure(out[0], size[0], 1);
        out[0][size[0]++] = specialIds[index];
      }
    });
    return Arrays.copyOf(out[0], size[0]);
  }

  private int specialAt(String text, int at) {
    for (int s = 0; s < specials.length; s++) if (text.startsWith(specials[s], at)) return s;
    return -1;
  }

  private int[] piece(String piece) {
    if (piece.isEmpty()) return new int[0];
    if (piece.length() < MIN_CACHED_CHARS) return tokenizer.encode(piece);
    int[] ids = cache.get(piece);
    if (ids != null) {
      hits.incrementAndGet();
      return ids;
    }
    misses.incrementAndGet();
    ids = tokenizer.encode(piece);
    if (cachedIds.addAndGet(ids.length) > maxCachedIds) {
      cache.clear();
      cachedIds.set(ids.length);
    }
    cache.put(piece, ids);
    return ids;
  }

  private static int[] ensure(int[] out, int size, int more) {
    return size + more <= out.length ? out : Arrays.copyOf(out, Math.max(out.length * 2, size + more));
  }

  /** Appends {@code ids} (growing {@code out} first is the caller's job) and returns the new size. */
  private static int append(int[] out, int size, int[] ids) {
    System.arraycopy(ids, 0, out, size, ids.length);
    return size + ids.length;
  }
}
