package dev.switchboard.sim.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fixed answer that replaces the generated words, for tests of output the word generator cannot produce
 * (reasoning blocks, tool calls, JSON). The answer ends after the script (finish reason "stop", as at an EOS)
 * unless the token budget ends it first.
 *
 * @param text     the answer text (HTTP workers; gRPC workers with a tokenizer encode it), or null
 * @param tokenIds the answer token ids (gRPC workers), or null
 */
public record SimScript(String text, int[] tokenIds) {

  private static final Pattern PIECE = Pattern.compile("\\s*\\S+");

  public static SimScript ofText(String text) {
    return new SimScript(java.util.Objects.requireNonNull(text, "text"), null);
  }

  public static SimScript ofTokens(int... tokenIds) {
    return new SimScript(null, tokenIds.clone());
  }

  /** The text as tokens: each non-space run with the whitespace before it, so the pieces concatenate to it. */
  public List<String> pieces() {
    List<String> pieces = new ArrayList<>();
    if (text == null) {
      return pieces;
    }
    Matcher matcher = PIECE.matcher(text);
    while (matcher.find()) {
      pieces.add(matcher.group());
    }
    return pieces;
  }
}
