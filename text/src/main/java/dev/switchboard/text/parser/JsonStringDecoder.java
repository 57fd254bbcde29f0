package dev.switchboard.text.parser;

/**
 * Decodes the content of a JSON string one character at a time (after the opening quote), resolving escapes.
 * Raw control characters are accepted (models emit raw newlines in strings).
 */
final class JsonStringDecoder {
  enum Status { MORE, END, INVALID }

  private boolean escape;
  private int hexDigitsLeft;
  private int hexValue;

  Status accept(char c, StringBuilder out) {
    if (hexDigitsLeft > 0) {
      int digit = Character.digit(c, 16);
      if (digit < 0) {
        return Status.INVALID;
      }
      hexValue = hexValue * 16 + digit;
      if (--hexDigitsLeft == 0) {
        out.append((char) hexValue);
      }
      return Status.MORE;
    }
    if (escape) {
      escape = false;
      switch (c) {
        case '"', '\\', '/' -> out.append(c);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          hexDigitsLeft = 4;
          hexValue = 0;
        }
        default -> {
          return Status.INVALID;
        }
      }
      return Status.MORE;
    }
    if (c == '\\') {
      escape = true;
      return Status.MORE;
    }
    if (c == '"') {
      return Status.END;
    }
    out.append(c);
    return Status.MORE;
  }
}
