package dev.switchboard.text.parser;

/**
 * Copies one JSON value one character at a time in compact form: whitespace outside strings is dropped and raw
 * control characters inside strings are escaped, so the copy is valid compact JSON whenever the input value is
 * valid JSON. Escapes and number spellings are kept as written. The copy only ever grows, which makes it safe to
 * stream. Bracket nesting is counted, not validated.
 */
final class JsonValueCopier {
  enum Status {
    /** The character was consumed; the value continues. */
    MORE,
    /** The character was consumed and closed the value. */
    DONE,
    /** The value (a bare number/literal) ended before this character, which was not consumed. */
    DONE_BEFORE,
    INVALID
  }

  private boolean started;
  private boolean bareLiteral;
  private int depth;
  private boolean inString;
  private boolean escaped;

  Status accept(char c, StringBuilder out) {
    if (inString) {
      return inString(c, out);
    }
    if (bareLiteral) {
      if (Markers.isWhitespace(c) || c == ',' || c == '}' || c == ']' || c == ';') {
        return Status.DONE_BEFORE;
      }
      if (!(Character.isLetterOrDigit(c) || c == '-' || c == '+' || c == '.')) {
        return Status.INVALID;
      }
      out.append(c);
      return Status.MORE;
    }
    if (Markers.isWhitespace(c)) {
      return Status.MORE;
    }
    if (!started) {
      started = true;
      if (c == '}' || c == ']' || c == ',' || c == ':') {
        return Status.INVALID;
      }
      if (c != '{' && c != '[' && c != '"') {
        bareLiteral = true;
        return accept(c, out);
      }
    }
    out.append(c);
    switch (c) {
      case '"' -> inString = true;
      case '{', '[' -> depth++;
      case '}', ']' -> {
        if (--depth == 0) {
          return Status.DONE;
        }
        if (depth < 0) {
          return Status.INVALID;
        }
      }
      default -> {
      }
    }
    return Status.MORE;
  }

  private Status inString(char c, StringBuilder out) {
    if (escaped) {
      escaped = false;
      out.append(c);
      return Status.MORE;
    }
    switch (c) {
      case '\\' -> {
        escaped = true;
        out.append(c);
      }
      case '"' -> {
        inString = false;
        out.append(c);
        return depth == 0 ? Status.DONE : Status.MORE;
      }
      case '\n' -> out.append("\\n");
      case '\r' -> out.append("\\r");
      case '\t' -> out.append("\\t");
      default -> {
        if (c < 0x20) {
          out.append(String.format("\\u%04x", (int) c));
        } else {
          out.append(c);
        }
      }
    }
    return Status.MORE;
  }
}
