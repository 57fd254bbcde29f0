package dev.switchboard.sim.engine;

import dev.switchboard.sim.cache.SimTokens;

/** Deterministic output words: a word per (seed, prompt, choice, position), from a small ordinary vocabulary. */
public final class SimOutput {

  private static final String[] WORDS = {
    "the", "quick", "model", "answers", "with", "simple", "words", "and", "a", "steady", "rhythm", "while",
    "every", "token", "arrives", "on", "time", "from", "this", "simulated", "worker", "so", "tests", "can",
    "see", "what", "happened", "in", "order", "without", "any", "noise"};
  private static final int[] IDS = new int[WORDS.length];

  static {
    for (int i = 0; i < WORDS.length; i++) {
      IDS[i] = SimTokens.idOf(WORDS[i]);
    }
  }

  private final long seed;

  public SimOutput(long seed) {
    this.seed = seed;
  }

  /** Index into the vocabulary of the word at {@code position} of choice {@code choice} for a prompt. */
  public int wordIndex(long promptHash, int choice, int position) {
    long h = SimTokens.mix(seed ^ SimTokens.mix(promptHash + 0x9E3779B97F4A7C15L * (choice + 1)) + position);
    return (int) ((h >>> 1) % WORDS.length);
  }

  public String word(long promptHash, int choice, int position) {
    return WORDS[wordIndex(promptHash, choice, position)];
  }

  public int tokenId(long promptHash, int choice, int position) {
    return IDS[wordIndex(promptHash, choice, position)];
  }

  /** Every word the simulator may emit (for tests that check output vocabulary). */
  public static java.util.List<String> vocabulary() {
    return java.util.List.of(WORDS);
  }
}
