package dev.switchboard.text.parser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;

/**
 * Parses a Python literal (str, int, float, True/False/None, list, tuple, dict; also JSON's true/false/null) into a
 * JSON tree. Distinguishes text that is cut off ({@link Incomplete}) from text that is wrong ({@link Invalid}).
 */
final class PythonLiteral {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** The text ends before the literal does. */
  static final class Incomplete extends RuntimeException {
    static final Incomplete INSTANCE = new Incomplete();

    private Incomplete() {
      super("incomplete", null, false, false);
    }
  }

  /** Not a Python literal at the given position. */
  static final class Invalid extends RuntimeException {
    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  record Parsed(JsonNode value, int end) {
  }

  private final CharSequence text;
  private int pos;

  private PythonLiteral(CharSequence text, int pos) {
    this.text = text;
    this.pos = pos;
  }

  /** Parses the literal starting at {@code from} (after optional whitespace). */
  static Parsed parse(CharSequence text, int from) {
    PythonLiteral parser = new PythonLiteral(text, from);
    JsonNode value = parser.value();
    return new Parsed(value, parser.pos);
  }

  private JsonNode value() {
    skipWhitespace();
    char c = peek();
    return switch (c) {
      case '\'', '"' -> NODES.textNode(string());
      case '[' -> sequence(']');
      case '(' -> sequence(')');
      case '{' -> dict();
      default -> {
        if (c == '-' || c == '+' || c == '.' || Character.isDigit(c)) {
          yield number();
        }
        if (Character.isLetter(c)) {
          yield keyword();
        }
        throw new Invalid("unexpected '" + c + "'");
      }
    };
  }

  private String string() {
    char quote = text.charAt(pos++);
    StringBuilder out = new StringBuilder();
    while (true) {
      char c = peek();
      pos++;
      if (c == quote) {
        return out.toString();
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char e = peek();
      pos++;
      switch (e) {
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case 'r' -> out.append('\r');
        case '0' -> out.append('\0');
        case '\\', '\'', '"' -> out.append(e);
        case 'x' -> out.append((char) hex(2));
        case 'u' -> out.append((char) hex(4));
        case '\n' -> {
        }
        default -> out.append('\\').append(e);
      }
    }
  }

  private int hex(int digits) {
    int value = 0;
    for (int i = 0; i < digits; i++) {
      int digit = Character.digit(peek(), 16);
      if (digit < 0) {
        throw new Invalid("bad escape");
      }
      value = value * 16 + digit;
      pos++;
    }
    return value;
  }

  private JsonNode sequence(char close) {
    pos++;
    ArrayNode array = NODES.arrayNode();
    while (true) {
      skipWhitespace();
      if (peek() == close) {
        pos++;
        return array;
      }
      array.add(value());
      skipWhitespace();
      char c = peek();
      if (c == ',') {
        pos++;
      } else if (c != close) {
        throw new Invalid("expected ',' or '" + close + "'");
      }
    }
  }

  private JsonNode dict() {
    pos++;
    ObjectNode object = NODES.objectNode();
    while (true) {
      skipWhitespace();
      if (peek() == '}') {
        pos++;
        return object;
      }
      JsonNode key = value();
      if (key.isContainerNode() || key.isNull()) {
        throw new Invalid("unsupported dict key");
      }
      skipWhitespace();
      if (peek() != ':') {
        throw new Invalid("expected ':'");
      }
      pos++;
      object.set(key.asText(), value());
      skipWhitespace();
      char c = peek();
      if (c == ',') {
        pos++;
      } else if (c != '}') {
        throw new Invalid("expected ',' or '}'");
      }
    }
  }

  /** A number ends at the first character that cannot continue it; at the end of text it may still continue. */
  private JsonNode number() {
    int start = pos;
    while (pos < text.length() && isNumberChar(text.charAt(pos))) {
      pos++;
    }
    if (pos == text.length()) {
      throw Incomplete.INSTANCE;
    }
    String literal = text.subSequence(start, pos).toString().replace("_", "");
    try {
      if (literal.chars().anyMatch(ch -> ch == '.' || ch == 'e' || ch == 'E')) {
        return NODES.numberNode(Double.parseDouble(literal));
      }
      return NODES.numberNode(new BigInteger(literal.startsWith("+") ? literal.substring(1) : literal));
    } catch (NumberFormatException e) {
      throw new Invalid("bad number " + literal);
    }
  }

  private static boolean isNumberChar(char c) {
    return Character.isDigit(c) || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+' || c == '_';
  }

  private JsonNode keyword() {
    int start = pos;
    while (pos < text.length() && Character.isLetter(text.charAt(pos))) {
      pos++;
    }
    if (pos == text.length()) {
      throw Incomplete.INSTANCE;
    }
    return switch (text.subSequence(start, pos).toString()) {
      case "True", "true" -> NODES.booleanNode(true);
      case "False", "false" -> NODES.booleanNode(false);
      case "None", "null" -> NODES.nullNode();
      default -> throw new Invalid("unknown name");
    };
  }

  private void skipWhitespace() {
    while (pos < text.length() && Markers.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private char peek() {
    if (pos >= text.length()) {
      throw Incomplete.INSTANCE;
    }
    return text.charAt(pos);
  }
}
