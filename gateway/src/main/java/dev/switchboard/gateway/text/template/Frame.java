package dev.switchboard.gateway.text.template;

import java.util.HashMap;
import java.util.Map;

/** A variable scope: the template's top level, a loop iteration, or a macro call. */
final class Frame {
  private static final Object MISSING = new Object();

  final Frame parent;
  final RenderContext context;
  private HashMap<String, Object> vars;

  Frame(Frame parent, RenderContext context) {
    this.parent = parent;
    this.context = context;
  }

  Frame child() {
    return new Frame(this, context);
  }

  Object lookup(String name) {
    for (Frame f = this; f != null; f = f.parent) {
      if (f.vars != null) {
        Object v = f.vars.getOrDefault(name, MISSING);
        if (v != MISSING) {
          return v;
        }
      }
    }
    return context.lookupGlobal(name);
  }

  void set(String name, Object value) {
    if (vars == null) {
      vars = new HashMap<>(8);
    }
    vars.put(name, value);
  }

  void clear() {
    if (vars != null) {
      vars.clear();
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
