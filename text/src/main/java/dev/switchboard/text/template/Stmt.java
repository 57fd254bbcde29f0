package dev.switchboard.text.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Statement nodes. {@link #exec} returns {@link #NORMAL}, {@link #BREAK} or {@link #CONTINUE}. */
sealed interface Stmt {
  int NORMAL = 0;
  int BREAK = 1;
  int CONTINUE = 2;

  int exec(Frame f, StringBuilder out);

  int line();

  /** A sequence of statements; runtime errors get the line of the statement that failed. */
  record Body(Stmt[] stmts) {
    int exec(Frame f, StringBuilder out) {
      for (Stmt s : stmts) {
        int status;
        try {
          status = s.exec(f, out);
        } catch (EvalError e) {
          if (e.line == 0) {
            e.line = s.line();
          }
          throw e;
        } catch (ArithmeticException e) {
          EvalError error = new EvalError("OverflowError: " + e.getMessage());
          error.line = s.line();
          throw error;
        }
        if (status != NORMAL) {
          return status;
        }
      }
      return NORMAL;
    }

    String render(Frame f) {
      StringBuilder sb = new StringBuilder();
      exec(f, sb);
      return sb.toString();
    }
  }

  record Text(String text, int line) implements Stmt {
    @Override
    public int exec(Frame f, StringBuilder out) {
      out.append(text);
      return NORMAL;
    }
  }

  record Output(Expr expr, int line) implements Stmt {
    @Override
    public int exec(Frame f, StringBuilder out) {
      Py.appendStr(out, expr.eval(f));
      return NORMAL;
    }
  }

  /**
   * {@code {{ a + b + c }}}: when the first operand is a string every later operand must be one too (Python
   * raises otherwise), so the parts are appended straight to the output without intermediate strings; the
   * operands are evaluated left to right and a non-string fails exactly where Python's {@code +} would.
   */
  record OutputSum(Expr[] operands, int line) implements Stmt {
    @Override
    public int exec(Frame f, StringBuilder out) {
      Object first = operands[0].eval(f);
      if (first instanceof String s) {
        int mark = out.length();
        out.append(s);
        for (int i = 1; i < operands.length; i++) {
          Object v = operands[i].eval(f);
          if (v instanceof String part) {
            out.append(part);
          } else {
            throw new IllegalStateException("unreachable: " + Py.add(out.substring(mark), v));
          }
        }
        return NORMAL;
      }
      Object sum = first;
      for (int i = 1; i < operands.length; i++) {
        sum = Py.add(sum, operands[i].eval(f));
      }
      Py.appendStr(out, sum);
      return NORMAL;
    }
  }

  record If(Expr[] tests, Body[] bodies, Body otherwise, int line) implements Stmt {
    @Override
    public int exec(Frame f, StringBuilder out) {
      for (int i = 0; i < tests.length; i++) {
        if (Py.truthy(tests[i].eval(f))) {
          return bodies[i].exec(f, out);
        }
      }
      return otherwise == null ? NORMAL : otherwise.exec(f, out);
    }
  }

  /** Binds loop or set targets: one name, or several unpacked from a sequence. */
  static void bind(Frame f, String[] targets, Object value) {
    if (targets.length == 1) {
      f.set(targets[0], value);
      return;
    }
    List<Object> items = Py.iterate(value);
    if (items.size() != targets.length) {
      throw new EvalError("ValueError: " + (items.size() < targets.length ? "not enough" : "too many")
          + " values to unpack (expected " + targets.length + ", got " + items.size() + ")");
    }
    for (int i = 0; i < targets.length; i++) {
      f.set(targets[i], items.get(i));
    }
  }

  record For(String[] targets, Expr iterable, Expr filter, Body body, Body otherwise, int line) implements Stmt {
    @Override
    public int exec(Frame f, StringBuilder out) {
      List<Object> items = Py.iterate(iterable.eval(f));
      Frame iteration = f.child();
      if (filter != null) {
        List<Object> kept = new ArrayList<>();
        for (Object item : items) {
          iteration.clear();
          bind(iteration, targets, item);
          if (Py.truthy(filter.eval(iteration))) {
            kept.add(item);
          }
        }
        items = kept;
      }
      if (items.isEmpty()) {
        return otherwise == null ? NORMAL : otherwise.exec(f, out);
      }
      LoopInfo loop = new LoopInfo(items);
      for (int i = 0; i < items.size(); i++) {
        iteration.clear();
        loop.advance(i);
        iteration.set("loop", loop);
        bind(iteration, targets, items.get(i));
        if (body.exec(iteration, out) == BREAK) {
          break;
        }
      }
      return NORMAL;
    }
  }

  record Set(String[] targets, Expr value, int line) implements Stmt {
    @Override
    public int exec(Frame f, StringBuilder out) {
      bind(f, targets, value.eval(f));
      return NORMAL;
    }
  }

  /** {@code set ns.attr = value}: only namespace objects accept attribute assignment. */
  record SetAttribute(String target, String attribute, Expr value, int line) implements Stmt {
    @Override
    public int exec(Frame f, StringBuilder out) {
      Object ns = f.lookup(target);
      if (!(ns instanceof Namespace namespace)) {
        throw new EvalError("TemplateRuntimeError: cannot assign attribute on non-namespace object");
      }
      namespace.attributes.put(attribute, value.eval(f));
      return NORMAL;
    }
  }

  /** {@code set x %}...{% endset}: captures rendered output, optionally through filters. */
  record SetBlock(String target, Body body, FilterChain filters, int line) implements Stmt {
    @Override
    public int exec(Frame f, StringBuilder out) {
      Object value = body.render(f);
      if (filters != null) {
        value = filters.apply(f, value);
      }
      f.set(target, value);
      return NORMAL;
    }
  }

  record MacroDef(String name, String[] params, Expr[] defaults, Body body, int line) implements Stmt {
    @Override
    public int exec(Frame f, StringBuilder out) {
      f.set(name, new Macro(name, params, defaults, body, f));
      return NORMAL;
    }
  }

  /** {@code call(params) macro(args) %}body{% endcall}: calls the macro with {@code caller} rendering the body. */
  record CallBlock(Expr callee, Expr.Arguments arguments, String[] callerParams, Expr[] callerDefaults, Body body,
      int line) implements Stmt {
    @Override
    public int exec(Frame f, StringBuilder out) {
      Object target = callee.eval(f);
      Map<String, Object> kwargs = arguments.evalKeywords(f);
      if (kwargs == null) {
        kwargs = new LinkedHashMap<>();
      }
      kwargs.put("caller", new Macro("caller", callerParams, callerDefaults, body, f));
      Py.appendStr(out, Expr.callValue(f, target, arguments.evalPositional(f), kwargs));
      return NORMAL;
    }
  }

  record FilterBlock(FilterChain filters, Body body, int line) implements Stmt {
    @Override
    public int exec(Frame f, StringBuilder out) {
      Py.appendStr(out, filters.apply(f, body.render(f)));
      return NORMAL;
    }
  }

  record Break(int line) implements Stmt {
    @Override
    public int exec(Frame f, StringBuilder out) {
      return BREAK;
    }
  }

  record Continue(int line) implements Stmt {
    @Override
    public int exec(Frame f, StringBuilder out) {
      return CONTINUE;
    }
  }

  /** Filters applied in order to a value, as in {@code {% filter trim | upper %}}. */
  record FilterChain(Filters.Filter[] filters, Expr.Arguments[] arguments) {
    Object apply(Frame f, Object value) {
      for (int i = 0; i < filters.length; i++) {
        value = filters[i].apply(f, value, arguments[i].evalPositional(f), arguments[i].evalKeywords(f));
      }
      return value;
    }
  }
}
