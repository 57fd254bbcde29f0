package dev.switchboard.sim.cache;

import java.util.Arrays;

/**
 * The simulator's deterministic tokenization, identical in every process: one token per whitespace-separated
 * word, its id a 31-bit FNV-1a hash of the word. Benchmarks use it to build prompts of exact token counts.
 */
public final class SimTokens {

  private static final String[] FILLER = {
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo",
    "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango", "uniform", "victor",
    "whiskey", "xray", "yankee", "zulu", "amber", "basil", "cedar", "dune", "ember", "fern"};

  private SimTokens() {
  }

  /** Token ids of the text: one per whitespace-separated word. */
  public static int[] tokenize(CharSequence text) {
    int[] ids = new int[16];
    int count = 0;
    int length = text.length();
    int i = 0;
    while (i < length) {
      while (i < length && Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      if (i == length) {
        break;
      }
      int hash = 0x811c9dc5;
      while (i < length && !Character.isWhitespace(text.charAt(i))) {
        hash = (hash ^ text.charAt(i)) * 0x01000193;
        i++;
      }
      if (count == ids.length) {
        ids = Arrays.copyOf(ids, count * 2);
      }
      ids[count++] = hash & 0x7fffffff;
    }
    return count == ids.length ? ids : Arrays.copyOf(ids, count);
  }

  /** The id of a single word (no whitespace inside). */
  public static int idOf(CharSequence word) {
    int hash = 0x811c9dc5;
    for (int i = 0; i < word.length(); i++) {
      hash = (hash ^ word.charAt(i)) * 0x01000193;
    }
    return hash & 0x7fffffff;
  }

  /** Number of tokens of the text. */
  public static int count(CharSequence text) {
    int count = 0;
    boolean inWord = false;
    for (int i = 0; i < text.length(); i++) {
      boolean space = Character.isWhitespace(text.charAt(i));
      if (!space && !inWord) {
        count++;
      }
      inWord = !space;
    }
    return count;
  }

  /**
   * A deterministic text of exactly {@code count} tokens. The same seed gives the same words; different seeds
   * give different texts (words carry a seed-derived suffix so texts from different seeds share no prefix).
   */
  public static String words(long seed, int count) {
    StringBuilder text = new StringBuilder(count * 8);
    long state = seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E5L;
    for (int i = 0; i < count; i++) {
      state = mix(state + i);
      if (i > 0) {
        text.append(' ');
      }
      text.append(FILLER[(int) ((state >>> 33) % FILLER.length)]).append(Long.toString((state >>> 40) & 0xfff, 36));
    }
    return text.toString();
  }

  /** A 64-bit hash of a token sequence (prompt identity for deterministic output). */
  public static long hash(int[] tokens) {
    long h = 0xcbf29ce484222325L;
    for (int token : tokens) {
      h = mix(h ^ token);
    }
    return h;
  }

  /** SplitMix64 finaliser. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
