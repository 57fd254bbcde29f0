package dev.switchboard.text.template;

import dev.switchboard.text.template.Token.Type;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a template into tokens the way jinja2 does with {@code trim_blocks=True, lstrip_blocks=True} (the
 * transformers configuration): {@code {%- -%}} strip all adjacent whitespace, {@code +} disables lstrip/trim,
 * a newline right after a block or comment tag is dropped, and whitespace before a block or comment tag that
 * starts its line is dropped. A single trailing newline of the source is removed ({@code keep_trailing_newline=False}).
 */
final class Lexer {
  private static final Pattern RAW_BEGIN = Pattern.compile("\\s*raw\\s*([-+]?)%}");
  private static final Pattern RAW_END = Pattern.compile("\\{%([-+]?)\\s*endraw\\s*([-+]?)%}");
  private static final String[] TWO_CHAR_OPERATORS = {"//", "**", "==", "!=", "<=", ">="};
  private static final String SINGLE_CHAR_OPERATORS = "+-*/%~<>=.,:|()[]{}";

  private final String src;
  private final int[] lineStarts;
  private final List<Token> tokens = new ArrayList<>();
  private int pos;
  private boolean lineStarting = true;

  private Lexer(String source) {
    String normalized = source.replace("\r\n", "\n").replace('\r', '\n');
    if (normalized.endsWith("\n")) {
      normalized = normalized.substring(0, normalized.length() - 1);
    }
    this.src = normalized;
    int[] starts = new int[16];
    int count = 1;
    for (int i = 0; i < src.length(); i++) {
      if (src.charAt(i) == '\n') {
        if (count == starts.length) {
          starts = Arrays.copyOf(starts, count * 2);
        }
        starts[count++] = i + 1;
      }
    }
    this.lineStarts = Arrays.copyOf(starts, count);
  }

  static List<Token> tokenize(String source) throws TemplateException {
    Lexer lexer = new Lexer(source);
    lexer.run();
    return lexer.tokens;
  }

  private int lineAt(int position) {
    int i = Arrays.binarySearch(lineStarts, position);
    return i >= 0 ? i + 1 : -i - 1;
  }

  private TemplateException error(String message, int position) {
    return new TemplateException(TemplateException.Kind.SYNTAX, message, lineAt(position));
  }

  private void run() throws TemplateException {
    int n = src.length();
    while (pos < n) {
      int tag = nextTagStart(pos);
      if (tag < 0) {
        emitText(src.substring(pos), pos);
        pos = n;
        break;
      }
      char kind = src.charAt(tag + 1);
      char sign = tag + 2 < n && (src.charAt(tag + 2) == '-' || src.charAt(tag + 2) == '+') ? src.charAt(tag + 2) : 0;
      String text = src.substring(pos, tag);
      if (sign == '-') {
        text = Py.rstrip(text, null);
      } else if (sign != '+' && kind != '{') {
        int lineStart = text.lastIndexOf('\n') + 1;
        if ((lineStart > 0 || lineStarting) && isAllWhitespace(text, lineStart)) {
          text = text.substring(0, lineStart);
        }
      }
      emitText(text, pos);
      pos = tag + 2 + (sign != 0 ? 1 : 0);
      switch (kind) {
        case '#' -> lexComment(tag);
        case '%' -> {
          Matcher raw = RAW_BEGIN.matcher(src).region(pos, n);
          if (raw.lookingAt()) {
            lexRaw(raw, tag);
          } else {
            tokens.add(new Token(Type.BLOCK_BEGIN, "{%", null, lineAt(tag)));
            lexInsideTag(true, tag);
          }
        }
        default -> {
          tokens.add(new Token(Type.VAR_BEGIN, "{{", null, lineAt(tag)));
          lexInsideTag(false, tag);
        }
      }
    }
    tokens.add(new Token(Type.EOF, "", null, lineAt(n)));
  }

  private int nextTagStart(int from) {
    int i = src.indexOf('{', from);
    while (i >= 0 && i + 1 < src.length()) {
      char c = src.charAt(i + 1);
      if (c == '{' || c == '%' || c == '#') {
        return i;
      }
      i = src.indexOf('{', i + 1);
    }
    return -1;
  }

  private static boolean isAllWhitespace(String s, int from) {
    for (int i = from; i < s.length(); i++) {
      if (!Py.isSpace(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private void emitText(String text, int at) {
    if (!text.isEmpty()) {
      tokens.add(new Token(Type.TEXT, text, text, lineAt(at)));
    }
  }

  /** After {@code %}} or {@code #}}: {@code -} strips all following whitespace, otherwise trim_blocks drops one newline. */
  private void afterBlockEnd(char sign) {
    int start = pos;
    if (sign == '-') {
      while (pos < src.length() && Py.isSpace(src.charAt(pos))) {
        pos++;
      }
    } else if (sign != '+' && pos < src.length() && src.charAt(pos) == '\n') {
      pos++;
    }
    lineStarting = pos > start ? src.charAt(pos - 1) == '\n' : false;
  }

  private void lexComment(int tagStart) throws TemplateException {
    int end = src.indexOf("#}", pos);
    if (end < 0) {
      throw error("missing end of comment tag", tagStart);
    }
    char sign = end > pos && (src.charAt(end - 1) == '-' || src.charAt(end - 1) == '+') ? src.charAt(end - 1) : 0;
    pos = end + 2;
    afterBlockEnd(sign);
  }

  private void lexRaw(Matcher rawBegin, int tagStart) throws TemplateException {
    pos = rawBegin.end();
    afterBlockEnd(rawBegin.group(1).isEmpty() ? 0 : rawBegin.group(1).charAt(0));
    Matcher end = RAW_END.matcher(src).region(pos, src.length());
    if (!end.find()) {
      throw error("missing endraw for raw block", tagStart);
    }
    String body = src.substring(pos, end.start());
    if (end.group(1).equals("-")) {
      body = Py.rstrip(body, null);
    }
    emitText(body, pos);
    pos = end.end();
    afterBlockEnd(end.group(2).isEmpty() ? 0 : end.group(2).charAt(0));
  }

  private void lexInsideTag(boolean block, int tagStart) throws TemplateException {
    Deque<Character> brackets = new ArrayDeque<>();
    int n = src.length();
    while (true) {
      while (pos < n && Py.isSpace(src.charAt(pos))) {
        pos++;
      }
      if (pos >= n) {
        throw error("unexpected end of template, expected end of " + (block ? "block" : "print") + " tag", tagStart);
      }
      if (brackets.isEmpty() && tryTagEnd(block)) {
        return;
      }
      int start = pos;
      char c = src.charAt(pos);
      int line = lineAt(start);
      if (Character.isLetter(c) || c == '_') {
        while (pos < n && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
          pos++;
        }
        String name = src.substring(start, pos).intern(); // Frame looks variables up by identity
        tokens.add(new Token(Type.NAME, name, name, line));
      } else if (c >= '0' && c <= '9') {
        lexNumber(line);
      } else if (c == '\'' || c == '"') {
        lexString(c, line);
      } else {
        String op = null;
        for (String two : TWO_CHAR_OPERATORS) {
          if (src.startsWith(two, pos)) {
            op = two;
            break;
          }
        }
        if (op == null) {
          if (SINGLE_CHAR_OPERATORS.indexOf(c) < 0) {
            throw error("unexpected char '" + c + "'", pos);
          }
          op = String.valueOf(c);
          if (c == '(' || c == '[' || c == '{') {
            brackets.push(c);
          } else if (c == ')' || c == ']' || c == '}') {
            char expected = c == ')' ? '(' : c == ']' ? '[' : '{';
            if (brackets.isEmpty() || brackets.pop() != expected) {
              throw error("unexpected '" + c + "'", pos);
            }
          }
        }
        pos += op.length();
        tokens.add(new Token(Type.OPERATOR, op, op, line));
      }
    }
  }

  private boolean tryTagEnd(boolean block) {
    String close = block ? "%}" : "}}";
    char sign = 0;
    if ((src.charAt(pos) == '-' || src.charAt(pos) == '+') && src.startsWith(close, pos + 1)) {
      sign = src.charAt(pos);
    } else if (!src.startsWith(close, pos)) {
      return false;
    }
    int line = lineAt(pos);
    pos += close.length() + (sign != 0 ? 1 : 0);
    tokens.add(new Token(block ? Type.BLOCK_END : Type.VAR_END, close, null, line));
    if (block) {
      afterBlockEnd(sign);
    } else {
      int start = pos;
      if (sign == '-') {
        while (pos < src.length() && Py.isSpace(src.charAt(pos))) {
          pos++;
        }
      }
      lineStarting = pos > start && src.charAt(pos - 1) == '\n';
    }
    return true;
  }

  private void lexNumber(int line) throws TemplateException {
    int n = src.length();
    int start = pos;
    boolean afterDot = !tokens.isEmpty() && tokens.get(tokens.size() - 1).isOp(".");
    while (pos < n && (Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
      pos++;
    }
    boolean isFloat = false;
    if (!afterDot && pos + 1 < n && src.charAt(pos) == '.' && Character.isDigit(src.charAt(pos + 1))) {
      isFloat = true;
      pos++;
      while (pos < n && (Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
        pos++;
      }
    }
    if (!afterDot && pos < n && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
      int save = pos;
      pos++;
      if (pos < n && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) {
        pos++;
      }
      if (pos < n && Character.isDigit(src.charAt(pos))) {
        isFloat = true;
        while (pos < n && (Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
          pos++;
        }
      } else {
        pos = save;
      }
    }
    String text = src.substring(start, pos);
    String digits = text.replace("_", "");
    try {
      if (isFloat) {
        tokens.add(new Token(Type.FLOAT, text, Double.parseDouble(digits), line));
      } else {
        tokens.add(new Token(Type.INTEGER, text, Long.parseLong(digits), line));
      }
    } catch (NumberFormatException e) {
      throw error("invalid number literal " + text, start);
    }
  }

  /** A quoted literal, decoded like Python's {@code unicode-escape} (what jinja2 does). */
  private void lexString(char quote, int line) throws TemplateException {
    int start = pos;
    int n = src.length();
    StringBuilder value = new StringBuilder();
    pos++;
    while (true) {
      if (pos >= n) {
        throw error("unterminated string literal", start);
      }
      char c = src.charAt(pos);
      if (c == quote) {
        pos++;
        break;
      }
      if (c != '\\' || pos + 1 >= n) {
        value.append(c);
        pos++;
        continue;
      }
      char e = src.charAt(pos + 1);
      pos += 2;
      switch (e) {
        case 'n' -> value.append('\n');
        case 't' -> value.append('\t');
        case 'r' -> value.append('\r');
        case '\\' -> value.append('\\');
        case '\'' -> value.append('\'');
        case '"' -> value.append('"');
        case 'a' -> value.append('\u0007');
        case 'b' -> value.append('\b');
        case 'f' -> value.append('\f');
        case 'v' -> value.append('\u000b');
        case '\n' -> { } // line continuation
        case 'x' -> value.appendCodePoint(hexEscape(2, start));
        case 'u' -> value.appendCodePoint(hexEscape(4, start));
        case 'U' -> value.appendCodePoint(hexEscape(8, start));
        default -> {
          if (e >= '0' && e <= '7') {
            int v = e - '0';
            for (int k = 0; k < 2 && pos < n && src.charAt(pos) >= '0' && src.charAt(pos) <= '7'; k++) {
              v = v * 8 + (src.charAt(pos++) - '0');
            }
            value.append((char) v);
          } else {
            value.append('\\').append(e);
          }
        }
      }
    }
    tokens.add(new Token(Type.STRING, src.substring(start, pos), value.toString(), line));
  }

  private int hexEscape(int digits, int literalStart) throws TemplateException {
    if (pos + digits > src.length()) {
      throw error("truncated \\x/\\u escape in string literal", literalStart);
    }
    try {
      int v = Integer.parseInt(src.substring(pos, pos + digits), 16);
      pos += digits;
      return v;
    } catch (NumberFormatException e) {
      throw error("invalid escape in string literal", literalStart);
    }
  }
}
