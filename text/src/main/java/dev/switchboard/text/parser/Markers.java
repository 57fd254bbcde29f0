package dev.switchboard.text.parser;

/** Helpers for finding markup tags in streamed text, where a tag may be cut at the end of the text seen so far. */
final class Markers {
  private Markers() {
  }

  /**
   * Start of the longest suffix of {@code text} (from {@code from}) that is a proper prefix of {@code marker}, or
   * {@code text.length()} if none: text from there on must be held back until more arrives.
   */
  static int partialStart(String text, int from, String marker) {
    int length = text.length();
    for (int start = Math.max(from, length - marker.length() + 1); start < length; start++) {
      if (marker.regionMatches(0, text, start, length - start)) {
        return start;
      }
    }
    return length;
  }

  static boolean isWhitespace(char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
  }

  static boolean isBlank(CharSequence text) {
    for (int i = 0; i < text.length(); i++) {
      if (!isWhitespace(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Index of the first character of the trailing whitespace run of {@code text[from, to)}. */
  static int trailingWhitespaceStart(String text, int from, int to) {
    int i = to;
    while (i > from && isWhitespace(text.charAt(i - 1))) {
      i--;
    }
    return i;
  }

  static int skipWhitespace(String text, int from) {
    int i = from;
    while (i < text.length() && isWhitespace(text.charAt(i))) {
      i++;
    }
    return i;
  }
}
