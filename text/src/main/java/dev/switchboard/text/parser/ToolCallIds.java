package dev.switchboard.text.parser;

import java.util.concurrent.ThreadLocalRandom;

/** Tool call ids in OpenAI's shape: "call_" followed by 24 random letters and digits. */
public final class ToolCallIds {
  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final int LENGTH = 24;

  private ToolCallIds() {
  }

  public static String next() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    char[] id = new char[5 + LENGTH];
    "call_".getChars(0, 5, id, 0);
    for (int i = 5; i < id.length; i++) {
      id[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
    }
    return new String(id);
  }
}
