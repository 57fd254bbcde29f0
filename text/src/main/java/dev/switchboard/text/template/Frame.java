package dev.switchboard.text.template;

import java.util.Arrays;
import java.util.Map;

/**
 * A variable scope: the template's top level, a loop iteration, or a macro call. Scopes hold few variables, so
 * they are small arrays searched by identity: every variable name comes from the parser, whose names are
 * interned (see {@link Lexer}), or from Java string literals.
 */
final class Frame {
  final Frame parent;
  final RenderContext context;
  private String[] names;
  private Object[] values;
  private int size;

  Frame(Frame parent, RenderContext context) {
    this.parent = parent;
    this.context = context;
  }

  Frame child() {
    return new Frame(this, context);
  }

  Object lookup(String name) {
    for (Frame f = this; f != null; f = f.parent) {
      String[] n = f.names;
      for (int i = f.size - 1; i >= 0; i--) {
        if (n[i] == name) {
          return f.values[i];
        }
      }
    }
    return context.lookupGlobal(name);
  }

  void set(String name, Object value) {
    for (int i = 0; i < size; i++) {
      if (names[i] == name) {
        values[i] = value;
        return;
      }
    }
    if (names == null) {
      names = new String[8];
      values = new Object[8];
    } else if (size == names.length) {
      names = Arrays.copyOf(names, size * 2);
      values = Arrays.copyOf(values, size * 2);
    }
    names[size] = name;
    values[size++] = value;
  }

  void clear() {
    if (size > 0) {
      Arrays.fill(values, 0, size, null);
      size = 0;
    }
  }

  static final class RenderContext {
    private final Map<String, Object> variables;
    final Builtins builtins;

    RenderContext(Map<String, Object> variables, Builtins builtins) {
      this.variables = variables;
      this.builtins = builtins;
    }

    Object lookupGlobal(String name) {
      Object v = variables.get(name);
      if (v != null || variables.containsKey(name)) {
        return v;
      }
      return builtins.lookup(name);
    }
  }
}
