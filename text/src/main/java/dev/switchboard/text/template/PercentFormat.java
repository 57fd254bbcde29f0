package dev.switchboard.text.template;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Python's {@code "format" % args} for the conversions templates use: s, r, d, i, f, x, %. */
final class PercentFormat {
  private PercentFormat() {}

  static String format(String format, Object args) {
    List<?> positional = args instanceof PyTuple t ? t : List.of(args == null ? "None" : args);
    if (args == null) {
      positional = java.util.Collections.singletonList(null);
    }
    Map<?, ?> named = args instanceof Map<?, ?> m ? m : null;
    StringBuilder out = new StringBuilder();
    int next = 0;
    for (int i = 0; i < format.length(); i++) {
      char c = format.charAt(i);
      if (c != '%') {
        out.append(c);
        continue;
      }
      if (++i >= format.length()) {
        throw new EvalError("ValueError: incomplete format");
      }
      Object value;
      if (format.charAt(i) == '(') {
        int close = format.indexOf(')', i);
        if (close < 0 || named == null) {
          throw EvalError.typeError("format requires a mapping");
        }
        value = named.get(format.substring(i + 1, close));
        i = close + 1;
      } else {
        value = null;
      }
      int specStart = i;
      while (i < format.length() && "0123456789.-+ #".indexOf(format.charAt(i)) >= 0) {
        i++;
      }
      if (i >= format.length()) {
        throw new EvalError("ValueError: incomplete format");
      }
      String spec = format.substring(specStart, i);
      char conversion = format.charAt(i);
      if (conversion == '%') {
        out.append('%');
        continue;
      }
      if (named == null) {
        if (next >= positional.size()) {
          throw EvalError.typeError("not enough arguments for format string");
        }
        value = positional.get(next++);
      }
      out.append(convert(conversion, spec, value));
    }
    // Python raises only when the leftover argument is not a mapping-like object (lists and dicts are exempt)
    boolean mappingLike = args instanceof Map || args instanceof Undefined
        || (args instanceof List && !(args instanceof PyTuple) && !Py.isLazy(args));
    if (named == null && next < positional.size() && !mappingLike) {
      throw EvalError.typeError("not all arguments converted during string formatting");
    }
    return out.toString();
  }

  private static String convert(char conversion, String spec, Object value) {
    String javaSpec = "%" + spec;
    return switch (conversion) {
      case 's' -> String.format(Locale.ROOT, javaSpec + "s", Py.str(value));
      case 'r' -> String.format(Locale.ROOT, javaSpec + "s", Py.repr(value));
      case 'd', 'i' -> String.format(Locale.ROOT, javaSpec + "d", number(value).longValue());
      case 'f', 'F' -> String.format(Locale.ROOT, (spec.contains(".") ? javaSpec : javaSpec + ".6") + "f",
          number(value).doubleValue());
      case 'x' -> String.format(Locale.ROOT, javaSpec + "x", number(value).longValue());
      default -> throw new EvalError("ValueError: unsupported format character '" + conversion + "'");
    };
  }

  private static Number number(Object value) {
    if (value instanceof Boolean b) {
      return b ? 1L : 0L;
    }
    if (value instanceof Number n) {
      return n;
    }
    throw EvalError.typeError("%d format: a real number is required, not " + Py.typeName(value));
  }
}
