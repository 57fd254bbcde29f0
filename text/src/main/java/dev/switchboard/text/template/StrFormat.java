package dev.switchboard.text.template;

import java.util.Map;

/** Python's {@code str.format} for plain fields: {@code {}}, {@code {0}}, {@code {name}}, {@code !r}/{@code !s}. */
final class StrFormat {
  private StrFormat() {}

  static String format(String format, Object[] args, Map<String, Object> kwargs) {
    StringBuilder out = new StringBuilder();
    int auto = 0;
    int n = format.length();
    for (int i = 0; i < n; i++) {
      char c = format.charAt(i);
      if (c == '{' && i + 1 < n && format.charAt(i + 1) == '{') {
        out.append('{');
        i++;
      } else if (c == '}' && i + 1 < n && format.charAt(i + 1) == '}') {
        out.append('}');
        i++;
      } else if (c == '{') {
        int close = format.indexOf('}', i);
        if (close < 0) {
          throw new EvalError("ValueError: Single '{' encountered in format string");
        }
        String field = format.substring(i + 1, close);
        boolean repr = false;
        int bang = field.indexOf('!');
        if (bang >= 0) {
          repr = field.substring(bang + 1).equals("r");
          field = field.substring(0, bang);
        }
        if (field.contains(":")) {
          throw new EvalError("ValueError: format specs are not supported in str.format");
        }
        Object value;
        if (field.isEmpty()) {
          value = positional(args, auto++);
        } else if (field.chars().allMatch(Character::isDigit)) {
          value = positional(args, Integer.parseInt(field));
        } else {
          if (kwargs == null || !kwargs.containsKey(field)) {
            throw new EvalError("KeyError: " + Py.repr(field));
          }
          value = kwargs.get(field);
        }
        out.append(repr ? Py.repr(value) : Py.str(value));
        i = close;
      } else if (c == '}') {
        throw new EvalError("ValueError: Single '}' encountered in format string");
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static Object positional(Object[] args, int index) {
    if (index >= args.length) {
      throw new EvalError("IndexError: Replacement index " + index + " out of range for positional args tuple");
    }
    return args[index];
  }
}
