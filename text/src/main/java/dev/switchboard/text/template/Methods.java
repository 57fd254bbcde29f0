package dev.switchboard.text.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Python methods of str, list and dict that templates call ({@code s.startswith(...)}, {@code d.items()}, ...). */
final class Methods {
  private Methods() {}

  private static final Set<String> STRING_METHODS = Set.of(
      "startswith", "endswith", "split", "rsplit", "splitlines", "strip", "lstrip", "rstrip", "replace", "upper",
      "lower", "title", "capitalize", "swapcase", "find", "rfind", "index", "rindex", "count", "join", "format",
      "isdigit", "isdecimal", "isnumeric", "isalpha", "isalnum", "isspace", "isupper", "islower", "removeprefix",
      "removesuffix", "zfill", "center", "ljust", "rjust", "partition", "rpartition");
  private static final Set<String> LIST_METHODS = Set.of("index", "count");
  private static final Set<String> DICT_METHODS = Set.of("get", "items", "keys", "values", "copy");
  /** Mutating methods: ImmutableSandboxedEnvironment refuses them. */
  private static final Set<String> UNSAFE_LIST_METHODS =
      Set.of("append", "extend", "insert", "pop", "remove", "reverse", "sort", "clear");
  private static final Set<String> UNSAFE_DICT_METHODS = Set.of("update", "pop", "popitem", "setdefault", "clear");

  static final int STRING = 1;
  static final int LIST = 2;
  static final int DICT = 4;
  static final int TUPLE = 8;

  /** Which receiver kinds have a method of this name (a bit mask of STRING, LIST, DICT, TUPLE); parse-time. */
  static int receiverMask(String name) {
    int mask = 0;
    if (STRING_METHODS.contains(name)) {
      mask |= STRING;
    }
    if (LIST_METHODS.contains(name)) {
      mask |= LIST | TUPLE;
    }
    if (UNSAFE_LIST_METHODS.contains(name)) {
      mask |= LIST;
    }
    if (isDictMethod(name)) {
      mask |= DICT;
    }
    return mask;
  }

  static int receiverKind(Object self) {
    if (self instanceof String) {
      return STRING;
    }
    if (self instanceof Map) {
      return DICT;
    }
    if (self instanceof List) {
      return self instanceof PyTuple ? TUPLE : LIST;
    }
    return 0;
  }

  static boolean isDictMethod(String name) {
    return DICT_METHODS.contains(name) || UNSAFE_DICT_METHODS.contains(name);
  }

  static boolean hasMethod(Object obj, String name) {
    if (obj instanceof String) {
      return STRING_METHODS.contains(name);
    }
    if (obj instanceof List) {
      return LIST_METHODS.contains(name) || (!(obj instanceof PyTuple) && UNSAFE_LIST_METHODS.contains(name));
    }
    return obj instanceof Map && isDictMethod(name);
  }

  /** {@code obj.name} read without a call, e.g. passed around; calling it dispatches to {@link #call}. */
  record BoundMethod(Object self, String name) implements PyCallable {
    @Override
    public Object call(Frame frame, Object[] args, Map<String, Object> kwargs) {
      return Methods.call(self, name, args, kwargs);
    }
  }

  /** Calls method {@code name} on {@code self}; {@code self} must have it (see {@link #hasMethod}). */
  static Object call(Object self, String name, Object[] args, Map<String, Object> kwargs) {
    if (self instanceof String s) {
      return stringMethod(s, name, new Args(name, args, kwargs));
    }
    if (self instanceof List<?> l) {
      if (UNSAFE_LIST_METHODS.contains(name)) {
        throw unsafe(self, name);
      }
      return listMethod(l, name, new Args(name, args, kwargs));
    }
    if (self instanceof Map<?, ?> m) {
      if (UNSAFE_DICT_METHODS.contains(name)) {
        throw unsafe(self, name);
      }
      return dictMethod(m, name, new Args(name, args, kwargs));
    }
    throw new EvalError("AttributeError: '" + Py.typeName(self) + "' object has no attribute '" + name + "'");
  }

  private static EvalError unsafe(Object self, String name) {
    return new EvalError(
        "SecurityError: access to attribute '" + name + "' of '" + Py.typeName(self) + "' object is unsafe.");
  }

  /** Positional/keyword argument access with Python-like errors. */
  record Args(String function, Object[] positional, Map<String, Object> keywords) {
    Object get(int index, String keyword, Object fallback) {
      if (index < positional.length) {
        return positional[index];
      }
      if (keywords != null && keywords.containsKey(keyword)) {
        return keywords.get(keyword);
      }
      return fallback;
    }

    Object required(int index, String keyword) {
      if (index < positional.length || (keywords != null && keywords.containsKey(keyword))) {
        return get(index, keyword, null);
      }
      throw EvalError.typeError(function + "() missing required argument '" + keyword + "'");
    }

    String string(int index, String keyword) {
      Object v = required(index, keyword);
      if (v instanceof String s) {
        return s;
      }
      if (v instanceof Undefined u) {
        throw u.fail();
      }
      throw EvalError.typeError(function + "() argument must be str, not " + Py.typeName(v));
    }

    /** A str argument that may be None/absent (strip chars, split sep). */
    String optionalString(int index, String keyword) {
      Object v = get(index, keyword, null);
      if (v == null) {
        return null;
      }
      if (v instanceof String s) {
        return s;
      }
      throw EvalError.typeError(function + "() argument must be str or None, not " + Py.typeName(v));
    }

    long integer(int index, String keyword, long fallback) {
      Object v = get(index, keyword, null);
      if (v == null) {
        return fallback;
      }
      if (Py.isInt(v) || v instanceof Boolean) {
        return Py.toLong(v);
      }
      throw EvalError.typeError("'" + Py.typeName(v) + "' object cannot be interpreted as an integer");
    }
  }

  private static Object stringMethod(String s, String name, Args a) {
    return switch (name) {
      case "startswith" -> affix(s, a, true);
      case "endswith" -> affix(s, a, false);
      case "split" -> split(s, a.optionalString(0, "sep"), (int) a.integer(1, "maxsplit", -1));
      case "rsplit" -> rsplit(s, a.optionalString(0, "sep"), (int) a.integer(1, "maxsplit", -1));
      case "splitlines" -> splitlines(s, Py.truthy(a.get(0, "keepends", false)));
      case "strip" -> Py.strip(s, a.optionalString(0, "chars"));
      case "lstrip" -> Py.lstrip(s, a.optionalString(0, "chars"));
      case "rstrip" -> Py.rstrip(s, a.optionalString(0, "chars"));
      case "replace" -> replace(s, a.string(0, "old"), a.string(1, "new"), a.integer(2, "count", -1));
      case "upper" -> s.toUpperCase(java.util.Locale.ROOT);
      case "lower" -> s.toLowerCase(java.util.Locale.ROOT);
      case "title" -> title(s);
      case "capitalize" -> capitalize(s);
      case "swapcase" -> swapcase(s);
      case "find" -> (long) codePointIndex(s, s.indexOf(a.string(0, "sub")));
      case "rfind" -> (long) codePointIndex(s, s.lastIndexOf(a.string(0, "sub")));
      case "index", "rindex" -> {
        int i = name.equals("index") ? s.indexOf(a.string(0, "sub")) : s.lastIndexOf(a.string(0, "sub"));
        if (i < 0) {
          throw new EvalError("ValueError: substring not found");
        }
        yield (long) codePointIndex(s, i);
      }
      case "count" -> (long) count(s, a.string(0, "sub"));
      case "join" -> join(s, a.required(0, "iterable"));
      case "format" -> StrFormat.format(s, a.positional(), a.keywords());
      case "isdigit", "isdecimal", "isnumeric" -> !s.isEmpty() && s.codePoints().allMatch(Character::isDigit);
      case "isalpha" -> !s.isEmpty() && s.codePoints().allMatch(Character::isLetter);
      case "isalnum" -> !s.isEmpty() && s.codePoints().allMatch(Character::isLetterOrDigit);
      case "isspace" -> !s.isEmpty() && s.chars().allMatch(c -> Py.isSpace((char) c));
      case "isupper" -> hasCased(s) && s.equals(s.toUpperCase(java.util.Locale.ROOT));
      case "islower" -> hasCased(s) && s.equals(s.toLowerCase(java.util.Locale.ROOT));
      case "removeprefix" -> {
        String p = a.string(0, "prefix");
        yield s.startsWith(p) ? s.substring(p.length()) : s;
      }
      case "removesuffix" -> {
        String p = a.string(0, "suffix");
        yield !p.isEmpty() && s.endsWith(p) ? s.substring(0, s.length() - p.length()) : s;
      }
      case "zfill" -> zfill(s, (int) a.integer(0, "width", 0));
      case "center", "ljust", "rjust" -> pad(s, name, (int) a.integer(0, "width", 0), a.optionalString(1, "fillchar"));
      case "partition", "rpartition" -> partition(s, a.string(0, "sep"), name.equals("partition"));
      default -> throw new EvalError("AttributeError: 'str' object has no attribute '" + name + "'");
    };
  }

  private static boolean affix(String s, Args a, boolean prefix) {
    Object arg = a.required(0, prefix ? "prefix" : "suffix");
    if (arg instanceof PyTuple t) {
      for (Object o : t) {
        if (affixOne(s, o, prefix)) {
          return true;
        }
      }
      return false;
    }
    return affixOne(s, arg, prefix);
  }

  private static boolean affixOne(String s, Object arg, boolean prefix) {
    if (!(arg instanceof String p)) {
      throw EvalError.typeError(
          (prefix ? "startswith" : "endswith") + " first arg must be str or a tuple of str, not " + Py.typeName(arg));
    }
    return prefix ? s.startsWith(p) : s.endsWith(p);
  }

  static List<Object> split(String s, String sep, int maxsplit) {
    List<Object> out = new ArrayList<>();
    if (sep == null) {
      int i = 0;
      int n = s.length();
      while (true) {
        while (i < n && Py.isSpace(s.charAt(i))) {
          i++;
        }
        if (i >= n) {
          break;
        }
        if (maxsplit >= 0 && out.size() == maxsplit) {
          out.add(Py.rstrip(s.substring(i), null));
          break;
        }
        int j = i;
        while (j < n && !Py.isSpace(s.charAt(j))) {
          j++;
        }
        out.add(s.substring(i, j));
        i = j;
      }
      return out;
    }
    if (sep.isEmpty()) {
      throw new EvalError("ValueError: empty separator");
    }
    int start = 0;
    while (maxsplit < 0 || out.size() < maxsplit) {
      int i = s.indexOf(sep, start);
      if (i < 0) {
        break;
      }
      out.add(s.substring(start, i));
      start = i + sep.length();
    }
    out.add(s.substring(start));
    return out;
  }

  private static List<Object> rsplit(String s, String sep, int maxsplit) {
    if (maxsplit < 0) {
      return split(s, sep, -1);
    }
    if (sep == null) {
      List<Object> out = new ArrayList<>();
      int j = s.length();
      while (true) {
        while (j > 0 && Py.isSpace(s.charAt(j - 1))) {
          j--;
        }
        if (j <= 0) {
          break;
        }
        if (out.size() == maxsplit) {
          out.add(0, Py.lstrip(s.substring(0, j), null));
          break;
        }
        int i = j;
        while (i > 0 && !Py.isSpace(s.charAt(i - 1))) {
          i--;
        }
        out.add(0, s.substring(i, j));
        j = i;
      }
      return out;
    }
    if (sep.isEmpty()) {
      throw new EvalError("ValueError: empty separator");
    }
    List<Object> out = new ArrayList<>();
    int end = s.length();
    while (out.size() < maxsplit) {
      int i = s.lastIndexOf(sep, end - sep.length());
      if (i < 0) {
        break;
      }
      out.add(0, s.substring(i + sep.length(), end));
      end = i;
    }
    out.add(0, s.substring(0, end));
    return out;
  }

  static List<Object> splitlines(String s, boolean keepEnds) {
    List<Object> out = new ArrayList<>();
    int start = 0;
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      int eol = 0;
      if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
        eol = 2;
      } else if (c == '\n' || c == '\r' || c == '\u000b' || c == '\u000c' || c == '\u001c' || c == '\u001d'
          || c == '\u001e' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
        eol = 1;
      }
      if (eol > 0) {
        out.add(s.substring(start, keepEnds ? i + eol : i));
        i += eol;
        start = i;
      } else {
        i++;
      }
    }
    if (start < s.length()) {
      out.add(s.substring(start));
    }
    return out;
  }

  private static String replace(String s, String old, String replacement, long count) {
    if (count < 0) {
      return old.isEmpty() ? replaceEmpty(s, replacement, Long.MAX_VALUE) : s.replace(old, replacement);
    }
    if (old.isEmpty()) {
      return replaceEmpty(s, replacement, count);
    }
    StringBuilder sb = new StringBuilder();
    int start = 0;
    for (long done = 0; done < count; done++) {
      int i = s.indexOf(old, start);
      if (i < 0) {
        break;
      }
      sb.append(s, start, i).append(replacement);
      start = i + old.length();
    }
    return sb.append(s.substring(start)).toString();
  }

  private static String replaceEmpty(String s, String replacement, long count) {
    StringBuilder sb = new StringBuilder();
    long done = 0;
    List<Object> chars = Py.codePoints(s);
    for (Object c : chars) {
      if (done++ < count) {
        sb.append(replacement);
      }
      sb.append((String) c);
    }
    if (done < count) {
      sb.append(replacement);
    }
    return sb.toString();
  }

  /** Python {@code str.title()}: upper-case a cased char that follows an uncased one, lower-case the rest. */
  static String title(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    boolean previousCased = false;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      boolean cased = Character.isUpperCase(cp) || Character.isLowerCase(cp) || Character.isTitleCase(cp);
      if (cased) {
        sb.appendCodePoint(previousCased ? Character.toLowerCase(cp) : Character.toTitleCase(cp));
      } else {
        sb.appendCodePoint(cp);
      }
      previousCased = cased;
    }
    return sb.toString();
  }

  static String capitalize(String s) {
    if (s.isEmpty()) {
      return s;
    }
    int first = s.codePointAt(0);
    int n = Character.charCount(first);
    return new StringBuilder()
        .appendCodePoint(Character.toTitleCase(first))
        .append(s.substring(n).toLowerCase(java.util.Locale.ROOT))
        .toString();
  }

  private static String swapcase(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    s.codePoints()
        .forEach(cp -> sb.appendCodePoint(
            Character.isUpperCase(cp) ? Character.toLowerCase(cp) : Character.isLowerCase(cp) ? Character.toUpperCase(cp) : cp));
    return sb.toString();
  }

  private static boolean hasCased(String s) {
    return s.codePoints().anyMatch(cp -> Character.isUpperCase(cp) || Character.isLowerCase(cp));
  }

  private static int codePointIndex(String s, int charIndex) {
    return charIndex < 0 ? -1 : s.codePointCount(0, charIndex);
  }

  private static int count(String s, String sub) {
    if (sub.isEmpty()) {
      return s.codePointCount(0, s.length()) + 1;
    }
    int n = 0;
    for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length())) {
      n++;
    }
    return n;
  }

  static String join(String sep, Object iterable) {
    StringBuilder sb = new StringBuilder();
    boolean first = true;
    for (Object o : Py.iterate(iterable)) {
      if (!(o instanceof String str)) {
        throw EvalError.typeError("sequence item: expected str instance, " + Py.typeName(o) + " found");
      }
      if (!first) {
        sb.append(sep);
      }
      first = false;
      sb.append(str);
    }
    return sb.toString();
  }

  private static String zfill(String s, int width) {
    if (s.length() >= width) {
      return s;
    }
    String zeros = "0".repeat(width - s.length());
    if (!s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-')) {
      return s.charAt(0) + zeros + s.substring(1);
    }
    return zeros + s;
  }

  private static String pad(String s, String how, int width, String fill) {
    String f = fill == null ? " " : fill;
    int len = Py.len(s);
    if (len >= width) {
      return s;
    }
    int total = width - len;
    return switch (how) {
      case "ljust" -> s + f.repeat(total);
      case "rjust" -> f.repeat(total) + s;
      default -> {
        int left = total / 2 + (total & width & 1);
        yield f.repeat(left) + s + f.repeat(total - left);
      }
    };
  }

  private static PyTuple partition(String s, String sep, boolean first) {
    int i = first ? s.indexOf(sep) : s.lastIndexOf(sep);
    if (i < 0) {
      return first ? new PyTuple(s, "", "") : new PyTuple("", "", s);
    }
    return new PyTuple(s.substring(0, i), sep, s.substring(i + sep.length()));
  }

  private static Object listMethod(List<?> l, String name, Args a) {
    Object x = a.required(0, "value");
    if (name.equals("count")) {
      long n = 0;
      for (Object o : l) {
        if (Py.equal(o, x)) {
          n++;
        }
      }
      return n;
    }
    for (int i = 0; i < l.size(); i++) {
      if (Py.equal(l.get(i), x)) {
        return (long) i;
      }
    }
    throw new EvalError("ValueError: " + Py.repr(x) + " is not in list");
  }

  private static Object dictMethod(Map<?, ?> m, String name, Args a) {
    return switch (name) {
      case "get" -> {
        Object key = a.required(0, "key");
        Object v = m.get(key);
        yield v != null || m.containsKey(key) ? v : a.get(1, "default", null);
      }
      case "items" -> new PyView(items(m), "dict_items");
      case "keys" -> new PyView(new ArrayList<Object>(m.keySet()), "dict_keys");
      case "values" -> new PyView(new ArrayList<Object>(m.values()), "dict_values");
      case "copy" -> new LinkedHashMap<Object, Object>(m);
      default -> throw new EvalError("AttributeError: 'dict' object has no attribute '" + name + "'");
    };
  }

  static List<Object> items(Map<?, ?> m) {
    List<Object> out = new ArrayList<>(m.size());
    for (Map.Entry<?, ?> e : m.entrySet()) {
      out.add(new PyTuple(e.getKey(), e.getValue()));
    }
    return out;
  }
}
