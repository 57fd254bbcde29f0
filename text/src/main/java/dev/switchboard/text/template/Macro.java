package dev.switchboard.text.template;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** A macro (or a call block's {@code caller}): renders its body in a fresh scope over its defining scope. */
final class Macro implements PyCallable {
  private final String name;
  private final String[] params;
  private final Expr[] defaults;
  private final Stmt.Body body;
  private final Frame closure;

  Macro(String name, String[] params, Expr[] defaults, Stmt.Body body, Frame closure) {
    this.name = name;
    this.params = params;
    this.defaults = defaults;
    this.body = body;
    this.closure = closure;
  }

  String name() {
    return name;
  }

  @Override
  public Object call(Frame caller, Object[] args, Map<String, Object> kwargs) {
    Frame frame = closure.child();
    Map<String, Object> extra = kwargs == null ? new LinkedHashMap<>() : new LinkedHashMap<>(kwargs);
    if (extra.containsKey("caller")) {
      frame.set("caller", extra.remove("caller"));
    }
    for (int i = 0; i < params.length; i++) {
      if (i < args.length) {
        if (extra.containsKey(params[i])) {
          throw EvalError.typeError("macro '" + name + "' got multiple values for argument '" + params[i] + "'");
        }
        frame.set(params[i], args[i]);
      } else if (extra.containsKey(params[i])) {
        frame.set(params[i], extra.remove(params[i]));
      } else if (defaults[i] != null) {
        frame.set(params[i], defaults[i].eval(frame));
      } else {
        frame.set(params[i], Undefined.named(params[i]));
      }
    }
    frame.set("varargs", new PyTuple(args.length > params.length
        ? Arrays.copyOfRange(args, params.length, args.length)
        : new Object[0]));
    frame.set("kwargs", extra);
    return body.render(frame);
  }
}
