package dev.switchboard.text.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps} as transformers' {@code tojson} calls it: {@code ", "}/{@code ": "} separators (or
 * {@code ","}/{@code ": "} with an indent), {@code ensure_ascii} switchable (transformers passes False),
 * optional {@code indent} and {@code sort_keys}, floats like Python's repr.
 */
final class PyJson {
  private final String indent;
  private final String itemSeparator;
  private final String keySeparator;
  private final boolean sortKeys;
  private final boolean ensureAscii;

  PyJson(String indent, String itemSeparator, String keySeparator, boolean sortKeys, boolean ensureAscii) {
    this.indent = indent;
    this.itemSeparator = itemSeparator;
    this.keySeparator = keySeparator;
    this.sortKeys = sortKeys;
    this.ensureAscii = ensureAscii;
  }

  static final PyJson DEFAULT = new PyJson(null, ", ", ": ", false, false);

  String dumps(Object value) {
    StringBuilder sb = new StringBuilder(256);
    write(sb, value, 0);
    return sb.toString();
  }

  void write(StringBuilder sb, Object value, int level) {
    if (value == null) {
      sb.append("null");
    } else if (value instanceof String s) {
      writeString(sb, s);
    } else if (value instanceof Boolean b) {
      sb.append(b ? "true" : "false");
    } else if (Py.isInt(value)) {
      sb.append(((Number) value).longValue());
    } else if (Py.isFloat(value)) {
      double d = ((Number) value).doubleValue();
      sb.append(Double.isNaN(d) ? "NaN" : Double.isInfinite(d) ? (d > 0 ? "Infinity" : "-Infinity") : Py.floatRepr(d));
    } else if (value instanceof PyIterator || value instanceof PyView) {
      throw EvalError.typeError("Object of type " + Py.typeName(value) + " is not JSON serializable");
    } else if (value instanceof List<?> list) {
      if (list.isEmpty()) {
        sb.append("[]");
        return;
      }
      sb.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          sb.append(itemSeparator);
        }
        newline(sb, level + 1);
        write(sb, list.get(i), level + 1);
      }
      newline(sb, level);
      sb.append(']');
    } else if (value instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        sb.append("{}");
        return;
      }
      sb.append('{');
      List<Map.Entry<String, Object>> entries = new ArrayList<>(map.size());
      for (Map.Entry<?, ?> e : map.entrySet()) {
        entries.add(Map.entry(keyString(e.getKey()), e.getValue() == null ? NULL : e.getValue()));
      }
      if (sortKeys) {
        entries.sort(Map.Entry.comparingByKey());
      }
      boolean first = true;
      for (Map.Entry<String, Object> e : entries) {
        if (!first) {
          sb.append(itemSeparator);
        }
        first = false;
        newline(sb, level + 1);
        writeString(sb, e.getKey());
        sb.append(keySeparator);
        write(sb, e.getValue() == NULL ? null : e.getValue(), level + 1);
      }
      newline(sb, level);
      sb.append('}');
    } else {
      throw EvalError.typeError("Object of type " + Py.typeName(value) + " is not JSON serializable");
    }
  }

  private static final Object NULL = new Object();

  private static String keyString(Object key) {
    if (key instanceof String s) {
      return s;
    }
    if (key == null) {
      return "null";
    }
    if (key instanceof Boolean b) {
      return b ? "true" : "false";
    }
    if (Py.isNumber(key)) {
      return Py.str(key);
    }
    throw EvalError.typeError("keys must be str, int, float, bool or None, not " + Py.typeName(key));
  }

  private void newline(StringBuilder sb, int level) {
    if (indent != null) {
      sb.append('\n');
      for (int i = 0; i < level; i++) {
        sb.append(indent);
      }
    }
  }

  private void writeString(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20 || (ensureAscii && c > 0x7e)) {
            sb.append("\\u");
            String hex = Integer.toHexString(c);
            sb.append("0".repeat(4 - hex.length())).append(hex);
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
