package dev.switchboard.text.template;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** jinja2's built-in filters, with transformers' {@code tojson}. */
final class Filters {
  private Filters() {}

  @FunctionalInterface
  interface Filter {
    /** @param kwargs keyword arguments, or {@code null} when there are none */
    Object apply(Frame f, Object value, Object[] args, Map<String, Object> kwargs);
  }

  private static final Map<String, Filter> FILTERS = new HashMap<>();
  private static final Pattern WORD = Pattern.compile("\\w+", Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern TITLE_SPLIT = Pattern.compile("([-\\s({\\[<]+)", Pattern.UNICODE_CHARACTER_CLASS);

  static {
    FILTERS.put("abs", (f, v, a, k) -> {
      if (Py.isFloat(v)) {
        return Math.abs(Py.toDouble(v));
      }
      if (Py.isNumber(v)) {
        return Math.abs(Py.toLong(v));
      }
      throw EvalError.typeError("bad operand type for abs(): '" + Py.typeName(v) + "'");
    });
    FILTERS.put("attr", (f, v, a, k) -> Py.getattr(v, Py.str(args(a, k, "attr").required(0, "name"))));
    FILTERS.put("capitalize", (f, v, a, k) -> Methods.capitalize(Py.str(v)));
    FILTERS.put("center", (f, v, a, k) -> Methods.call(Py.str(v), "center",
        new Object[] {args(a, k, "center").get(0, "width", 80L)}, null));
    Filter length = (f, v, a, k) -> (long) Py.len(v);
    FILTERS.put("length", length);
    FILTERS.put("count", length);
    Filter defaultFilter = (f, v, a, k) -> {
      Methods.Args args = args(a, k, "default");
      boolean useIfFalsy = Py.truthy(args.get(1, "boolean", false));
      if (v instanceof Undefined || (useIfFalsy && !Py.truthy(v))) {
        return args.get(0, "default_value", "");
      }
      return v;
    };
    FILTERS.put("default", defaultFilter);
    FILTERS.put("d", defaultFilter);
    FILTERS.put("dictsort", Filters::dictsort);
    Filter escape = (f, v, a, k) -> escape(Py.str(v));
    FILTERS.put("escape", escape);
    FILTERS.put("e", escape);
    FILTERS.put("forceescape", escape);
    FILTERS.put("first", (f, v, a, k) -> {
      List<Object> items = Py.iterate(v);
      return items.isEmpty() ? Undefined.because("No first item, sequence was empty.") : items.get(0);
    });
    FILTERS.put("last", (f, v, a, k) -> {
      if (v instanceof PyIterator || v instanceof PyView) {
        throw EvalError.typeError("'" + Py.typeName(v) + "' object is not reversible");
      }
      List<Object> items = Py.iterate(v);
      return items.isEmpty() ? Undefined.because("No last item, sequence was empty.") : items.get(items.size() - 1);
    });
    FILTERS.put("float", (f, v, a, k) -> toFloat(v, args(a, k, "float").get(0, "default", 0.0)));
    FILTERS.put("int", (f, v, a, k) -> toInt(v, args(a, k, "int")));
    FILTERS.put("format", (f, v, a, k) -> {
      if (a.length > 0 && k != null) {
        throw new EvalError("FilterArgumentError: can't handle positional and keyword arguments at the same time");
      }
      return PercentFormat.format(Py.str(v), k != null ? k : new PyTuple(a));
    });
    FILTERS.put("indent", Filters::indent);
    FILTERS.put("items", (f, v, a, k) -> {
      return new PyIterator(() -> {
        if (v instanceof Undefined) {
          return new ArrayList<>();
        }
        if (v instanceof Map<?, ?> m) {
          return Methods.items(m);
        }
        throw EvalError.typeError("Can only get item pairs from a mapping.");
      }, "generator object do_items");
    });
    FILTERS.put("join", (f, v, a, k) -> {
      Methods.Args args = args(a, k, "join");
      String sep = Py.str(args.get(0, "d", ""));
      Object attribute = args.get(1, "attribute", null);
      StringBuilder sb = new StringBuilder();
      boolean first = true;
      for (Object item : Py.iterate(v)) {
        if (!first) {
          sb.append(sep);
        }
        first = false;
        Py.appendStr(sb, attribute == null ? item : attribute(item, attribute));
      }
      return sb.toString();
    });
    FILTERS.put("list", (f, v, a, k) -> new ArrayList<>(Py.iterate(v)));
    FILTERS.put("lower", (f, v, a, k) -> Py.str(v).toLowerCase(Locale.ROOT));
    FILTERS.put("upper", (f, v, a, k) -> Py.str(v).toUpperCase(Locale.ROOT));
    FILTERS.put("map", Filters::map);
    FILTERS.put("max", (f, v, a, k) -> minMax(v, args(a, k, "max"), true));
    FILTERS.put("min", (f, v, a, k) -> minMax(v, args(a, k, "min"), false));
    FILTERS.put("pprint", (f, v, a, k) -> Py.repr(v));
    FILTERS.put("replace", (f, v, a, k) -> {
      Methods.Args args = args(a, k, "replace");
      Object count = args.get(2, "count", null);
      Object[] call = count == null
          ? new Object[] {Py.str(args.required(0, "old")), Py.str(args.required(1, "new"))}
          : new Object[] {Py.str(args.required(0, "old")), Py.str(args.required(1, "new")), count};
      return Methods.call(Py.str(v), "replace", call, null);
    });
    FILTERS.put("reverse", (f, v, a, k) -> {
      if (v instanceof String s) {
        return new StringBuilder(s).reverse().toString();
      }
      List<Object> out = new ArrayList<>(Py.iterate(v));
      Collections.reverse(out);
      if (v instanceof PyIterator) {
        return out; // not reversible: jinja2 falls back to a reversed list
      }
      List<Object> reversed = out;
      return new PyIterator(() -> reversed, "list_reverseiterator object");
    });
    FILTERS.put("round", Filters::round);
    FILTERS.put("safe", (f, v, a, k) -> v);
    FILTERS.put("select", (f, v, a, k) -> select(f, v, a, false, false));
    FILTERS.put("reject", (f, v, a, k) -> select(f, v, a, true, false));
    FILTERS.put("selectattr", (f, v, a, k) -> select(f, v, a, false, true));
    FILTERS.put("rejectattr", (f, v, a, k) -> select(f, v, a, true, true));
    FILTERS.put("sort", Filters::sort);
    FILTERS.put("string", (f, v, a, k) -> Py.str(v));
    FILTERS.put("sum", (f, v, a, k) -> {
      Methods.Args args = args(a, k, "sum");
      Object attribute = args.get(0, "attribute", null);
      Object total = args.get(1, "start", 0L);
      for (Object item : Py.iterate(v)) {
        total = Py.add(total, attribute == null ? item : attribute(item, attribute));
      }
      return total;
    });
    FILTERS.put("title", (f, v, a, k) -> jinjaTitle(Py.str(v)));
    FILTERS.put("tojson", Filters::tojson);
    FILTERS.put("trim", (f, v, a, k) -> {
      Object chars = args(a, k, "trim").get(0, "chars", null);
      return Py.strip(Py.str(v), chars == null ? null : Py.str(chars));
    });
    FILTERS.put("unique", Filters::unique);
    FILTERS.put("wordcount", (f, v, a, k) -> {
      Matcher m = WORD.matcher(Py.str(v));
      long n = 0;
      while (m.find()) {
        n++;
      }
      return n;
    });
    FILTERS.put("batch", (f, v, a, k) -> new PyIterator(() -> {
      Methods.Args args = args(a, k, "batch");
      long size = Py.toLong(args.required(0, "linecount"));
      Object fill = args.get(1, "fill_with", null);
      List<Object> out = new ArrayList<>();
      List<Object> current = new ArrayList<>();
      for (Object item : Py.iterate(v)) {
        current.add(item);
        if (current.size() == size) {
          out.add(current);
          current = new ArrayList<>();
        }
      }
      if (!current.isEmpty()) {
        if (fill != null) {
          while (current.size() < size) {
            current.add(fill);
          }
        }
        out.add(current);
      }
      return out;
    }, "generator object do_batch"));
  }

  /** The filter named {@code name}, or {@code null}. */
  static Filter lookup(String name) {
    return FILTERS.get(name);
  }

  private static Methods.Args args(Object[] a, Map<String, Object> k, String name) {
    return new Methods.Args(name, a, k);
  }

  /** jinja2's attribute getter: dotted path, integer parts index sequences, item lookup first. */
  static Object attribute(Object item, Object path) {
    if (!(path instanceof String s)) {
      return Py.getitem(item, path);
    }
    Object value = item;
    for (String part : s.split("\\.")) {
      Object key = !part.isEmpty() && part.chars().allMatch(Character::isDigit) ? (Object) Long.parseLong(part) : part;
      value = Py.getitem(value, key);
    }
    return value;
  }

  private static Object tojson(Frame f, Object value, Object[] a, Map<String, Object> k) {
    Methods.Args args = args(a, k, "tojson");
    boolean ensureAscii = Py.truthy(args.get(0, "ensure_ascii", false));
    Object indent = args.get(1, "indent", null);
    Object separators = args.get(2, "separators", null);
    boolean sortKeys = Py.truthy(args.get(3, "sort_keys", false));
    if (indent == null && separators == null && !sortKeys && !ensureAscii) {
      return PyJson.DEFAULT.dumps(value);
    }
    String indentString = null;
    if (indent instanceof String s) {
      indentString = s;
    } else if (indent != null) {
      indentString = " ".repeat((int) Math.max(0, Py.toLong(indent)));
    }
    String itemSeparator = indentString == null ? ", " : ",";
    String keySeparator = ": ";
    if (separators != null) {
      List<Object> pair = Py.iterate(separators);
      if (pair.size() != 2) {
        throw new EvalError("ValueError: separators must be an (item_separator, key_separator) pair");
      }
      itemSeparator = Py.str(pair.get(0));
      keySeparator = Py.str(pair.get(1));
    }
    return new PyJson(indentString, itemSeparator, keySeparator, sortKeys, ensureAscii).dumps(value);
  }

  private static Object indent(Frame f, Object value, Object[] a, Map<String, Object> k) {
    Methods.Args args = args(a, k, "indent");
    Object width = args.get(0, "width", 4L);
    boolean first = Py.truthy(args.get(1, "first", false));
    boolean blank = Py.truthy(args.get(2, "blank", false));
    String indention = width instanceof String s ? s : " ".repeat((int) Py.toLong(width));
    if (!(value instanceof String text)) {
      throw EvalError.typeError("unsupported operand type(s) for +=: '" + Py.typeName(value) + "' and 'str'");
    }
    String s = text + "\n";
    List<Object> lines = Methods.splitlines(s, false);
    StringBuilder rv = new StringBuilder();
    if (blank) {
      for (int i = 0; i < lines.size(); i++) {
        if (i > 0) {
          rv.append('\n').append(indention);
        }
        rv.append((String) lines.get(i));
      }
    } else {
      rv.append(lines.isEmpty() ? "" : (String) lines.get(0));
      for (int i = 1; i < lines.size(); i++) {
        String line = (String) lines.get(i);
        rv.append('\n');
        if (!line.isEmpty()) {
          rv.append(indention);
        }
        rv.append(line);
      }
    }
    return first ? indention + rv : rv.toString();
  }

  private static Object toInt(Object v, Methods.Args args) {
    if (v instanceof Undefined u) {
      throw u.fail();
    }
    Object fallback = args.get(0, "default", 0L);
    int base = (int) args.integer(1, "base", 10);
    if (Py.isInt(v)) {
      return ((Number) v).longValue();
    }
    if (v instanceof Boolean b) {
      return b ? 1L : 0L;
    }
    if (Py.isFloat(v)) {
      double d = Py.toDouble(v);
      return Double.isFinite(d) ? (Object) (long) d : fallback;
    }
    if (v instanceof String s) {
      String t = Py.strip(s, null).replace("_", "");
      try {
        return Long.parseLong(t, base);
      } catch (NumberFormatException e) {
        try {
          double d = Double.parseDouble(t);
          return Double.isFinite(d) ? (Object) (long) d : fallback;
        } catch (NumberFormatException e2) {
          return fallback;
        }
      }
    }
    return fallback;
  }

  private static Object toFloat(Object v, Object fallback) {
    if (v instanceof Undefined u) {
      throw u.fail();
    }
    if (Py.isNumber(v)) {
      return Py.toDouble(v);
    }
    if (v instanceof String s) {
      String t = Py.strip(s, null).toLowerCase(Locale.ROOT);
      switch (t) {
        case "inf", "+inf", "infinity", "+infinity" -> {
          return Double.POSITIVE_INFINITY;
        }
        case "-inf", "-infinity" -> {
          return Double.NEGATIVE_INFINITY;
        }
        case "nan", "+nan", "-nan" -> {
          return Double.NaN;
        }
        default -> {
        }
      }
      try {
        if (t.endsWith("d") || t.endsWith("f")) {
          return fallback; // Java would accept these suffixes, Python does not
        }
        return Double.parseDouble(t.replace("_", ""));
      } catch (NumberFormatException e) {
        return fallback;
      }
    }
    return fallback;
  }

  private static Object round(Frame f, Object value, Object[] a, Map<String, Object> k) {
    Methods.Args args = args(a, k, "round");
    int precision = (int) args.integer(0, "precision", 0);
    String method = Py.str(args.get(1, "method", "common"));
    if (!Py.isNumber(value)) {
      throw EvalError.typeError("type " + Py.typeName(value) + " doesn't define __round__ method");
    }
    if (method.equals("common") && (Py.isInt(value) || value instanceof Boolean)) {
      return Py.toLong(value); // Python's round() keeps ints ints
    }
    double d = Py.toDouble(value);
    return switch (method) {
      case "common" -> Double.isFinite(d)
          ? new BigDecimal(d).setScale(precision, RoundingMode.HALF_EVEN).doubleValue()
          : d;
      case "ceil" -> Math.ceil(d * Math.pow(10, precision)) / Math.pow(10, precision);
      case "floor" -> Math.floor(d * Math.pow(10, precision)) / Math.pow(10, precision);
      default -> throw new EvalError("FilterArgumentError: method must be common, ceil or floor");
    };
  }

  private static Object map(Frame f, Object value, Object[] a, Map<String, Object> k) {
    return new PyIterator(() -> mapItems(f, value, a, k), "generator object sync_do_map");
  }

  private static List<Object> mapItems(Frame f, Object value, Object[] a, Map<String, Object> k) {
    List<Object> out = new ArrayList<>();
    if (!Py.truthy(value)) {
      return out;
    }
    if (k != null && k.containsKey("attribute")) {
      Object attribute = k.get("attribute");
      Object fallback = k.containsKey("default") ? k.get("default") : null;
      for (Object item : Py.iterate(value)) {
        Object v = attribute(item, attribute);
        out.add(v instanceof Undefined && k.containsKey("default") ? fallback : v);
      }
      return out;
    }
    if (a.length == 0) {
      throw new EvalError("FilterArgumentError: map requires a filter argument");
    }
    String name = Py.str(a[0]);
    Filter filter = lookup(name);
    if (filter == null) {
      throw new EvalError("TemplateRuntimeError: No filter named '" + name + "'");
    }
    Object[] rest = Arrays.copyOfRange(a, 1, a.length);
    for (Object item : Py.iterate(value)) {
      out.add(filter.apply(f, item, rest, k));
    }
    return out;
  }

  private static Object select(Frame f, Object value, Object[] a, boolean reject, boolean byAttribute) {
    return new PyIterator(() -> selectItems(f, value, a, reject, byAttribute), "generator object select_or_reject");
  }

  private static List<Object> selectItems(Frame f, Object value, Object[] a, boolean reject, boolean byAttribute) {
    int offset = 0;
    Object attribute = null;
    if (byAttribute) {
      if (a.length == 0) {
        throw new EvalError("FilterArgumentError: missing attribute");
      }
      attribute = a[0];
      offset = 1;
    }
    Tests.Test test = null;
    Object[] testArgs = new Object[0];
    if (a.length > offset) {
      String name = Py.str(a[offset]);
      test = Tests.lookup(name);
      if (test == null) {
        throw new EvalError("TemplateRuntimeError: No test named '" + name + "'");
      }
      testArgs = Arrays.copyOfRange(a, offset + 1, a.length);
    }
    List<Object> out = new ArrayList<>();
    if (!Py.truthy(value)) {
      return out;
    }
    for (Object item : Py.iterate(value)) {
      Object subject = byAttribute ? attribute(item, attribute) : item;
      boolean passed = test == null ? Py.truthy(subject) : test.test(f, subject, testArgs);
      if (passed != reject) {
        out.add(item);
      }
    }
    return out;
  }

  private static Object sortKey(Object item, Object attribute, boolean caseSensitive) {
    Object key = attribute == null ? item : attribute(item, attribute);
    return !caseSensitive && key instanceof String s ? s.toLowerCase(Locale.ROOT) : key;
  }

  private static Object sort(Frame f, Object value, Object[] a, Map<String, Object> k) {
    Methods.Args args = args(a, k, "sort");
    boolean reverse = Py.truthy(args.get(0, "reverse", false));
    boolean caseSensitive = Py.truthy(args.get(1, "case_sensitive", false));
    Object attribute = args.get(2, "attribute", null);
    List<Object> out = new ArrayList<>(Py.iterate(value));
    Comparator<Object> cmp = (x, y) -> {
      Object kx = sortKey(x, attribute, caseSensitive);
      Object ky = sortKey(y, attribute, caseSensitive);
      return Py.equal(kx, ky) ? 0 : Py.compare(kx, ky, "<"); // jinja2 compares [key] lists: equal keys never meet '<'
    };
    out.sort(reverse ? cmp.reversed() : cmp);
    return out;
  }

  private static Object dictsort(Frame f, Object value, Object[] a, Map<String, Object> k) {
    Methods.Args args = args(a, k, "dictsort");
    boolean caseSensitive = Py.truthy(args.get(0, "case_sensitive", false));
    String by = Py.str(args.get(1, "by", "key"));
    boolean reverse = Py.truthy(args.get(2, "reverse", false));
    if (!(value instanceof Map<?, ?> m)) {
      throw EvalError.typeError("dictsort requires a mapping");
    }
    int index = by.equals("value") ? 1 : 0;
    List<Object> items = Methods.items(m);
    Comparator<Object> cmp = (x, y) -> Py.compare(sortKey(((PyTuple) x).get(index), null, caseSensitive),
        sortKey(((PyTuple) y).get(index), null, caseSensitive), "<");
    items.sort(reverse ? cmp.reversed() : cmp);
    return items;
  }

  private static Object unique(Frame f, Object value, Object[] a, Map<String, Object> k) {
    return new PyIterator(() -> uniqueItems(value, a, k), "generator object sync_do_unique");
  }

  private static List<Object> uniqueItems(Object value, Object[] a, Map<String, Object> k) {
    Methods.Args args = args(a, k, "unique");
    boolean caseSensitive = Py.truthy(args.get(0, "case_sensitive", false));
    Object attribute = args.get(1, "attribute", null);
    List<Object> out = new ArrayList<>();
    List<Object> seen = new ArrayList<>();
    for (Object item : Py.iterate(value)) {
      Object key = sortKey(item, attribute, caseSensitive);
      boolean duplicate = false;
      for (Object s : seen) {
        if (Py.equal(s, key)) {
          duplicate = true;
          break;
        }
      }
      if (!duplicate) {
        seen.add(key);
        out.add(item);
      }
    }
    return out;
  }

  private static Object minMax(Object value, Methods.Args args, boolean max) {
    boolean caseSensitive = Py.truthy(args.get(0, "case_sensitive", false));
    Object attribute = args.get(1, "attribute", null);
    Object best = null;
    Object bestKey = null;
    boolean any = false;
    for (Object item : Py.iterate(value)) {
      Object key = sortKey(item, attribute, caseSensitive);
      if (!any || (max ? Py.compare(key, bestKey, ">") > 0 : Py.compare(key, bestKey, "<") < 0)) {
        best = item;
        bestKey = key;
        any = true;
      }
    }
    return any ? best : Undefined.because("No aggregated item, sequence was empty.");
  }

  private static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&#34;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  /** jinja2's {@code title} filter: capitalise each word split at whitespace, dashes and opening brackets. */
  private static String jinjaTitle(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    Matcher m = TITLE_SPLIT.matcher(s);
    int last = 0;
    while (m.find()) {
      appendTitleWord(sb, s.substring(last, m.start()));
      sb.append(m.group());
      last = m.end();
    }
    appendTitleWord(sb, s.substring(last));
    return sb.toString();
  }

  private static void appendTitleWord(StringBuilder sb, String word) {
    if (word.isEmpty()) {
      return;
    }
    int first = word.codePointAt(0);
    int n = Character.charCount(first);
    sb.append(new String(Character.toChars(first)).toUpperCase(Locale.ROOT));
    sb.append(word.substring(n).toLowerCase(Locale.ROOT));
  }
}
