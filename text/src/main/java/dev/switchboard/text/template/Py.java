package dev.switchboard.text.template;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** Python value semantics over plain Java values (String, Long/Integer, Double, Boolean, null, List, Map). */
final class Py {
  private Py() {}

  // ---------------------------------------------------------------- type tests

  static boolean isInt(Object o) {
    return o instanceof Long || o instanceof Integer || o instanceof Short || o instanceof Byte;
  }

  static boolean isFloat(Object o) {
    return o instanceof Double || o instanceof Float;
  }

  /** int, float or bool (bool is an int in Python). */
  static boolean isNumber(Object o) {
    return isInt(o) || isFloat(o) || o instanceof Boolean;
  }

  static long toLong(Object o) {
    if (o instanceof Boolean b) {
      return b ? 1 : 0;
    }
    return ((Number) o).longValue();
  }

  static double toDouble(Object o) {
    if (o instanceof Boolean b) {
      return b ? 1 : 0;
    }
    return ((Number) o).doubleValue();
  }

  static String typeName(Object o) {
    if (o == null) {
      return "NoneType";
    }
    if (o instanceof String) {
      return "str";
    }
    if (o instanceof Boolean) {
      return "bool";
    }
    if (isInt(o)) {
      return "int";
    }
    if (isFloat(o)) {
      return "float";
    }
    if (o instanceof PyTuple) {
      return "tuple";
    }
    if (o instanceof PyIterator) {
      return "generator";
    }
    if (o instanceof PyView v) {
      return v.kind();
    }
    if (o instanceof List) {
      return "list";
    }
    if (o instanceof Map) {
      return "dict";
    }
    if (o instanceof Undefined) {
      return "Undefined";
    }
    if (o instanceof Namespace) {
      return "Namespace";
    }
    if (o instanceof LoopInfo) {
      return "LoopContext";
    }
    if (o instanceof Macro) {
      return "Macro";
    }
    return "function";
  }

  /** How jinja2 names an object in "has no attribute" messages. */
  static String ownerDescription(Object o) {
    return o == null ? "None" : "'" + typeName(o) + " object'";
  }

  // ---------------------------------------------------------------- whitespace / strip

  /** Python's {@code str.isspace} for one char. */
  static boolean isSpace(char c) {
    return switch (c) {
      case ' ', '\t', '\n', '\r', '\u000b', '\u000c', '\u001c', '\u001d', '\u001e', '\u001f', '\u0085' -> true;
      default -> c > 127 && Character.isSpaceChar(c);
    };
  }

  private static boolean stripMatch(char c, String chars) {
    return chars == null ? isSpace(c) : chars.indexOf(c) >= 0;
  }

  static String strip(String s, String chars) {
    return rstrip(lstrip(s, chars), chars);
  }

  static String lstrip(String s, String chars) {
    int i = 0;
    while (i < s.length() && stripMatch(s.charAt(i), chars)) {
      i++;
    }
    return s.substring(i);
  }

  static String rstrip(String s, String chars) {
    int i = s.length();
    while (i > 0 && stripMatch(s.charAt(i - 1), chars)) {
      i--;
    }
    return s.substring(0, i);
  }

  // ---------------------------------------------------------------- truthiness, length, iteration

  static boolean truthy(Object o) {
    if (o == null || o instanceof Undefined) {
      return false;
    }
    if (o instanceof PyIterator) {
      return true;
    }
    if (o instanceof Boolean b) {
      return b;
    }
    if (o instanceof String s) {
      return !s.isEmpty();
    }
    if (isInt(o)) {
      return ((Number) o).longValue() != 0;
    }
    if (isFloat(o)) {
      return ((Number) o).doubleValue() != 0;
    }
    if (o instanceof List<?> l) {
      return !l.isEmpty();
    }
    if (o instanceof Map<?, ?> m) {
      return !m.isEmpty();
    }
    return true;
  }

  static int len(Object o) {
    if (o instanceof String s) {
      return s.codePointCount(0, s.length());
    }
    if (o instanceof PyIterator) {
      throw EvalError.typeError("object of type 'generator' has no len()");
    }
    if (o instanceof List<?> l) {
      return l.size();
    }
    if (o instanceof Map<?, ?> m) {
      return m.size();
    }
    if (o instanceof Undefined) {
      return 0;
    }
    throw EvalError.typeError("object of type '" + typeName(o) + "' has no len()");
  }

  /** What a for loop sees: list items, dict keys, string characters; Undefined is empty. */
  @SuppressWarnings("unchecked")
  static List<Object> iterate(Object o) {
    if (o instanceof List<?> l) {
      return (List<Object>) l;
    }
    if (o instanceof Map<?, ?> m) {
      return new ArrayList<>(m.keySet());
    }
    if (o instanceof String s) {
      return codePoints(s);
    }
    if (o instanceof Undefined) {
      return Collections.emptyList();
    }
    throw EvalError.typeError("'" + typeName(o) + "' object is not iterable");
  }

  static List<Object> codePoints(String s) {
    List<Object> out = new ArrayList<>(s.length());
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      int n = Character.charCount(cp);
      out.add(s.substring(i, i + n));
      i += n;
    }
    return out;
  }

  // ---------------------------------------------------------------- str / repr

  static String str(Object o) {
    if (o instanceof String s) {
      return s;
    }
    StringBuilder sb = new StringBuilder();
    appendStr(sb, o);
    return sb.toString();
  }

  static void appendStr(StringBuilder sb, Object o) {
    if (o instanceof String s) {
      sb.append(s);
    } else if (o instanceof Undefined) {
      // renders as nothing
    } else {
      appendRepr(sb, o);
    }
  }

  static String repr(Object o) {
    StringBuilder sb = new StringBuilder();
    appendRepr(sb, o);
    return sb.toString();
  }

  static void appendRepr(StringBuilder sb, Object o) {
    if (o == null) {
      sb.append("None");
    } else if (o instanceof String s) {
      appendStringRepr(sb, s);
    } else if (o instanceof Boolean b) {
      sb.append(b ? "True" : "False");
    } else if (isInt(o)) {
      sb.append(((Number) o).longValue());
    } else if (isFloat(o)) {
      sb.append(floatRepr(((Number) o).doubleValue()));
    } else if (o instanceof PyIterator it) {
      sb.append('<').append(it.pythonName()).append(" at 0x7f0000000000>");
    } else if (o instanceof PyView view) {
      sb.append(view.kind()).append('(');
      appendRepr(sb, new java.util.ArrayList<>(view));
      sb.append(')');
    } else if (o instanceof PyTuple t) {
      sb.append('(');
      for (int i = 0; i < t.size(); i++) {
        if (i > 0) {
          sb.append(", ");
        }
        appendRepr(sb, t.get(i));
      }
      sb.append(t.size() == 1 ? ",)" : ")");
    } else if (o instanceof List<?> l) {
      sb.append('[');
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) {
          sb.append(", ");
        }
        appendRepr(sb, l.get(i));
      }
      sb.append(']');
    } else if (o instanceof Map<?, ?> m) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) {
          sb.append(", ");
        }
        first = false;
        appendRepr(sb, e.getKey());
        sb.append(": ");
        appendRepr(sb, e.getValue());
      }
      sb.append('}');
    } else if (o instanceof Undefined) {
      sb.append("Undefined");
    } else if (o instanceof Namespace ns) {
      sb.append("<Namespace ");
      appendRepr(sb, ns.attributes);
      sb.append('>');
    } else if (o instanceof Macro m) {
      sb.append("<Macro '").append(m.name()).append("'>");
    } else if (o instanceof LoopInfo loop) {
      sb.append("<LoopContext ").append(loop.index0() + 1).append('/').append(loop.length()).append('>');
    } else {
      sb.append("<function>");
    }
  }

  /** Python's {@code repr(str)}: single quotes unless the text has ' and no ", Python escapes. */
  static void appendStringRepr(StringBuilder sb, String s) {
    char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
    sb.append(quote);
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      switch (cp) {
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (cp == quote) {
            sb.append('\\').append((char) cp);
          } else if (cp < 0x20 || cp == 0x7f) {
            sb.append(String.format("\\x%02x", cp));
          } else if (cp >= 0x80 && !isPrintable(cp)) {
            if (cp <= 0xff) {
              sb.append(String.format("\\x%02x", cp));
            } else if (cp <= 0xffff) {
              sb.append(String.format("\\u%04x", cp));
            } else {
              sb.append(String.format("\\U%08x", cp));
            }
          } else {
            sb.appendCodePoint(cp);
          }
        }
      }
    }
    sb.append(quote);
  }

  private static boolean isPrintable(int cp) {
    int type = Character.getType(cp);
    return switch (type) {
      case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
          Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> false;
      case Character.SPACE_SEPARATOR -> cp == ' ';
      default -> true;
    };
  }

  /** Python's {@code repr(float)}: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
  static String floatRepr(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    if (d == 0) {
      return (1 / d < 0) ? "-0.0" : "0.0";
    }
    BigDecimal exact = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
    String digits = exact.unscaledValue().toString();
    int exponent = digits.length() - exact.scale() - 1; // position of the first digit
    StringBuilder sb = new StringBuilder(24);
    if (d < 0) {
      sb.append('-');
    }
    if (exponent < -4 || exponent >= 16) {
      sb.append(digits.charAt(0));
      if (digits.length() > 1) {
        sb.append('.').append(digits, 1, digits.length());
      }
      sb.append('e').append(exponent < 0 ? '-' : '+');
      int abs = Math.abs(exponent);
      if (abs < 10) {
        sb.append('0');
      }
      sb.append(abs);
    } else if (exponent < 0) {
      sb.append("0.");
      sb.append("0".repeat(-exponent - 1));
      sb.append(digits);
    } else if (digits.length() <= exponent + 1) {
      sb.append(digits);
      sb.append("0".repeat(exponent + 1 - digits.length()));
      sb.append(".0");
    } else {
      sb.append(digits, 0, exponent + 1).append('.').append(digits, exponent + 1, digits.length());
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- equality and ordering

  static boolean equal(Object a, Object b) {
    if (a == b) {
      return true;
    }
    if (a == null || b == null) {
      return false;
    }
    if (a instanceof Undefined || b instanceof Undefined) {
      return a instanceof Undefined && b instanceof Undefined;
    }
    if (a instanceof String || b instanceof String) {
      return a.equals(b);
    }
    if (isNumber(a) && isNumber(b)) {
      if (isFloat(a) || isFloat(b)) {
        return toDouble(a) == toDouble(b);
      }
      return toLong(a) == toLong(b);
    }
    if (a instanceof PyIterator || b instanceof PyIterator || a instanceof PyView || b instanceof PyView) {
      return false;
    }
    if (a instanceof List<?> la && b instanceof List<?> lb) {
      if ((a instanceof PyTuple) != (b instanceof PyTuple) || la.size() != lb.size()) {
        return false;
      }
      for (int i = 0; i < la.size(); i++) {
        if (!equal(la.get(i), lb.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
      if (ma.size() != mb.size()) {
        return false;
      }
      for (Map.Entry<?, ?> e : ma.entrySet()) {
        if (!mb.containsKey(e.getKey()) || !equal(e.getValue(), mb.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  /** Python ordering for {@code < <= > >=}: numbers, strings, lists/tuples; anything else is a TypeError. */
  static int compare(Object a, Object b, String op) {
    if (isNumber(a) && isNumber(b)) {
      if (isFloat(a) || isFloat(b)) {
        return Double.compare(toDouble(a), toDouble(b));
      }
      return Long.compare(toLong(a), toLong(b));
    }
    if (a instanceof String sa && b instanceof String sb) {
      return compareCodePoints(sa, sb);
    }
    if (a instanceof List<?> la && b instanceof List<?> lb && (a instanceof PyTuple) == (b instanceof PyTuple)
        && !isLazy(a) && !isLazy(b)) {
      int n = Math.min(la.size(), lb.size());
      for (int i = 0; i < n; i++) {
        if (!equal(la.get(i), lb.get(i))) {
          return compare(la.get(i), lb.get(i), op);
        }
      }
      return Integer.compare(la.size(), lb.size());
    }
    if (a instanceof Undefined u) {
      throw u.fail();
    }
    if (b instanceof Undefined u) {
      throw u.fail();
    }
    throw EvalError.typeError(
        "'" + op + "' not supported between instances of '" + typeName(a) + "' and '" + typeName(b) + "'");
  }

  private static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  /** Python's {@code item in container}. */
  static boolean contains(Object container, Object item) {
    if (container instanceof String s) {
      if (item instanceof String sub) {
        return s.contains(sub);
      }
      if (item instanceof Undefined u) {
        throw u.fail();
      }
      throw EvalError.typeError("'in <string>' requires string as left operand, not " + typeName(item));
    }
    if (container instanceof List<?> l) {
      for (Object o : l) {
        if (equal(o, item)) {
          return true;
        }
      }
      return false;
    }
    if (container instanceof Map<?, ?> m) {
      requireHashable(item);
      return mapContainsKey(m, item);
    }
    if (container instanceof Undefined) {
      return false;
    }
    throw EvalError.typeError("argument of type '" + typeName(container) + "' is not iterable");
  }

  /** Generators and dict views: iterable, but not lists for operators. */
  static boolean isLazy(Object o) {
    return o instanceof PyIterator || o instanceof PyView;
  }

  static void requireHashable(Object key) {
    if ((key instanceof List && !(key instanceof PyTuple)) || key instanceof Map) {
      throw EvalError.typeError("unhashable type: '" + typeName(key) + "'");
    }
  }

  private static boolean mapContainsKey(Map<?, ?> m, Object key) {
    if (m.containsKey(key)) {
      return true;
    }
    if (isNumber(key)) {
      for (Object k : m.keySet()) {
        if (equal(k, key)) {
          return true;
        }
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- arithmetic

  private static EvalError operandError(String op, Object a, Object b) {
    if (a instanceof Undefined u) {
      return u.fail();
    }
    if (b instanceof Undefined u) {
      return u.fail();
    }
    if (op.equals("+") && a instanceof String) {
      return EvalError.typeError("can only concatenate str (not \"" + typeName(b) + "\") to str");
    }
    if (op.equals("+") && a instanceof List && !(a instanceof PyTuple)) {
      return EvalError.typeError("can only concatenate list (not \"" + typeName(b) + "\") to list");
    }
    return EvalError.typeError(
        "unsupported operand type(s) for " + op + ": '" + typeName(a) + "' and '" + typeName(b) + "'");
  }

  static Object add(Object a, Object b) {
    if (a instanceof String sa && b instanceof String sb) {
      return sa.concat(sb);
    }
    if (isNumber(a) && isNumber(b)) {
      if (isFloat(a) || isFloat(b)) {
        return toDouble(a) + toDouble(b);
      }
      return Math.addExact(toLong(a), toLong(b));
    }
    if (a instanceof List<?> la && b instanceof List<?> lb && (a instanceof PyTuple) == (b instanceof PyTuple)
        && !(a instanceof PyIterator || b instanceof PyIterator || a instanceof PyView || b instanceof PyView)) {
      List<Object> out = new ArrayList<>(la.size() + lb.size());
      out.addAll(la);
      out.addAll(lb);
      return a instanceof PyTuple ? new PyTuple(out.toArray()) : out;
    }
    throw operandError("+", a, b);
  }

  static Object sub(Object a, Object b) {
    if (isNumber(a) && isNumber(b)) {
      if (isFloat(a) || isFloat(b)) {
        return toDouble(a) - toDouble(b);
      }
      return Math.subtractExact(toLong(a), toLong(b));
    }
    throw operandError("-", a, b);
  }

  static Object mul(Object a, Object b) {
    if (isNumber(a) && isNumber(b)) {
      if (isFloat(a) || isFloat(b)) {
        return toDouble(a) * toDouble(b);
      }
      return Math.multiplyExact(toLong(a), toLong(b));
    }
    if (a instanceof String s && (isInt(b) || b instanceof Boolean)) {
      return s.repeat((int) Math.max(0, toLong(b)));
    }
    if (b instanceof String s && (isInt(a) || a instanceof Boolean)) {
      return s.repeat((int) Math.max(0, toLong(a)));
    }
    if (a instanceof List<?> l && !isLazy(a) && (isInt(b) || b instanceof Boolean)) {
      return repeat(l, toLong(b));
    }
    if (b instanceof List<?> l && !isLazy(b) && (isInt(a) || a instanceof Boolean)) {
      return repeat(l, toLong(a));
    }
    throw operandError("*", a, b);
  }

  private static Object repeat(List<?> l, long times) {
    List<Object> out = new ArrayList<>();
    for (long i = 0; i < times; i++) {
      out.addAll(l);
    }
    return l instanceof PyTuple ? new PyTuple(out.toArray()) : out;
  }

  static Object div(Object a, Object b) {
    if (isNumber(a) && isNumber(b)) {
      double divisor = toDouble(b);
      if (divisor == 0) {
        throw new EvalError("ZeroDivisionError: division by zero");
      }
      return toDouble(a) / divisor;
    }
    throw operandError("/", a, b);
  }

  static Object floorDiv(Object a, Object b) {
    if (isNumber(a) && isNumber(b)) {
      if (isFloat(a) || isFloat(b)) {
        double divisor = toDouble(b);
        if (divisor == 0) {
          throw new EvalError("ZeroDivisionError: float floor division by zero");
        }
        return floatFloorDiv(toDouble(a), divisor);
      }
      long divisor = toLong(b);
      if (divisor == 0) {
        throw new EvalError("ZeroDivisionError: integer division or modulo by zero");
      }
      return Math.floorDiv(toLong(a), divisor);
    }
    throw operandError("//", a, b);
  }

  static Object mod(Object a, Object b) {
    if (isNumber(a) && isNumber(b)) {
      if (isFloat(a) || isFloat(b)) {
        double x = toDouble(a);
        double y = toDouble(b);
        if (y == 0) {
          throw new EvalError("ZeroDivisionError: float modulo");
        }
        double r = x % y; // C fmod, as CPython uses
        if (r == 0) {
          return Math.copySign(0.0, y);
        }
        return (r < 0) != (y < 0) ? r + y : r;
      }
      long divisor = toLong(b);
      if (divisor == 0) {
        throw new EvalError("ZeroDivisionError: integer division or modulo by zero");
      }
      return Math.floorMod(toLong(a), divisor);
    }
    if (a instanceof String format) {
      return PercentFormat.format(format, b);
    }
    throw operandError("%", a, b);
  }

  /** CPython's float floor division (float_floor_div), exact where floor(a / b) is not. */
  private static double floatFloorDiv(double vx, double wx) {
    double mod = vx % wx;
    double div = (vx - mod) / wx;
    if (mod != 0 && (wx < 0) != (mod < 0)) {
      div -= 1.0;
    }
    if (div == 0) {
      return Math.copySign(0.0, vx / wx);
    }
    double floor = Math.floor(div);
    if (div - floor > 0.5) {
      floor += 1.0;
    }
    return floor;
  }

  static Object pow(Object a, Object b) {
    if (isNumber(a) && isNumber(b)) {
      if (isFloat(a) || isFloat(b) || toLong(b) < 0) {
        return Math.pow(toDouble(a), toDouble(b));
      }
      long base = toLong(a);
      long result = 1;
      for (long e = toLong(b); e > 0; e--) {
        result = Math.multiplyExact(result, base);
      }
      return result;
    }
    throw operandError("**", a, b);
  }

  static Object negate(Object a) {
    if (isFloat(a)) {
      return -toDouble(a);
    }
    if (isNumber(a)) {
      return -toLong(a);
    }
    if (a instanceof Undefined u) {
      throw u.fail();
    }
    throw EvalError.typeError("bad operand type for unary -: '" + typeName(a) + "'");
  }

  static Object plus(Object a) {
    if (isFloat(a)) {
      return toDouble(a);
    }
    if (isNumber(a)) {
      return toLong(a);
    }
    if (a instanceof Undefined u) {
      throw u.fail();
    }
    throw EvalError.typeError("bad operand type for unary +: '" + typeName(a) + "'");
  }

  // ---------------------------------------------------------------- attribute and item access

  /** jinja2 {@code obj.name}: Python attribute first (methods), then item. */
  static Object getattr(Object obj, String name) {
    return getattr(obj, name, Methods.isDictMethod(name));
  }

  /** As {@link #getattr(Object, String)} with the dict-method check done by the caller (once, at parse time). */
  static Object getattr(Object obj, String name, boolean dictMethod) {
    if (obj instanceof Map<?, ?> m) {
      if (dictMethod) {
        return new Methods.BoundMethod(obj, name);
      }
      Object v = m.get(name);
      if (v != null || m.containsKey(name)) {
        return v;
      }
      return Undefined.missingAttribute(obj, name);
    }
    if (obj instanceof Namespace ns) {
      Object v = ns.attributes.get(name);
      if (v != null || ns.attributes.containsKey(name)) {
        return v;
      }
      return Undefined.missingAttribute(obj, name);
    }
    if (obj instanceof LoopInfo loop) {
      return loop.attribute(name);
    }
    if (obj instanceof Undefined u) {
      throw u.fail();
    }
    if (Methods.hasMethod(obj, name)) {
      return new Methods.BoundMethod(obj, name);
    }
    return Undefined.missingAttribute(obj, name);
  }

  /** jinja2 {@code obj[key]}: item first, then attribute for string keys. */
  static Object getitem(Object obj, Object key) {
    if (obj instanceof Undefined u) {
      throw u.fail();
    }
    if (obj instanceof PyIterator || obj instanceof PyView) {
      throw EvalError.typeError("'" + typeName(obj) + "' object is not subscriptable");
    }
    if (obj instanceof List<?> l && (isInt(key) || key instanceof Boolean)) {
      long i = toLong(key);
      if (i < 0) {
        i += l.size();
      }
      return i >= 0 && i < l.size() ? l.get((int) i) : Undefined.missingItem(obj, key);
    }
    if (obj instanceof String s && (isInt(key) || key instanceof Boolean)) {
      List<Object> chars = s.length() == s.codePointCount(0, s.length()) ? null : codePoints(s);
      int n = chars == null ? s.length() : chars.size();
      long i = toLong(key);
      if (i < 0) {
        i += n;
      }
      if (i < 0 || i >= n) {
        return Undefined.missingItem(obj, key);
      }
      return chars == null ? String.valueOf(s.charAt((int) i)) : chars.get((int) i);
    }
    if (obj instanceof Map<?, ?> m) {
      Object v = m.get(key);
      if (v != null || m.containsKey(key)) {
        return v;
      }
      if (isNumber(key)) {
        for (Map.Entry<?, ?> e : m.entrySet()) {
          if (equal(e.getKey(), key)) {
            return e.getValue();
          }
        }
      }
    }
    if (key instanceof String name) {
      return getattr(obj, name);
    }
    return Undefined.missingItem(obj, key);
  }

  /** Python slicing {@code obj[start:stop:step]} of strings and lists; null bounds are omitted ones. */
  static Object slice(Object obj, Object start, Object stop, Object step) {
    if (obj instanceof Undefined u) {
      throw u.fail();
    }
    long st = step == null ? 1 : sliceIndex(step);
    if (st == 0) {
      throw new EvalError("ValueError: slice step cannot be zero");
    }
    List<?> items;
    if (obj instanceof String s) {
      items = codePoints(s);
    } else if (obj instanceof List<?> l && !(obj instanceof PyIterator || obj instanceof PyView)) {
      items = l;
    } else {
      throw EvalError.typeError("'" + typeName(obj) + "' object is not subscriptable");
    }
    int n = items.size();
    long lo;
    long hi;
    if (st > 0) {
      lo = start == null ? 0 : clampIndex(sliceIndex(start), n, 0, n);
      hi = stop == null ? n : clampIndex(sliceIndex(stop), n, 0, n);
    } else {
      lo = start == null ? n - 1 : clampIndex(sliceIndex(start), n, -1, n - 1);
      hi = stop == null ? -1 : clampIndex(sliceIndex(stop), n, -1, n - 1);
    }
    List<Object> out = new ArrayList<>();
    if (st > 0) {
      for (long i = lo; i < hi; i += st) {
        out.add(items.get((int) i));
      }
    } else {
      for (long i = lo; i > hi; i += st) {
        out.add(items.get((int) i));
      }
    }
    if (obj instanceof String) {
      StringBuilder sb = new StringBuilder();
      out.forEach(c -> sb.append((String) c));
      return sb.toString();
    }
    return obj instanceof PyTuple ? new PyTuple(out.toArray()) : out;
  }

  private static long sliceIndex(Object o) {
    if (isInt(o) || o instanceof Boolean) {
      return toLong(o);
    }
    throw EvalError.typeError("slice indices must be integers or None");
  }

  private static long clampIndex(long i, int n, long min, long max) {
    if (i < 0) {
      i += n;
    }
    return Math.max(min, Math.min(max, i));
  }
}
