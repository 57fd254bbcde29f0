package dev.switchboard.text.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Expression nodes; each evaluates itself against a frame with Python/jinja2 semantics. */
sealed interface Expr {
  Object eval(Frame f);

  int line();

  /** Call arguments: positional expressions plus keyword names and expressions. */
  record Arguments(Expr[] positional, String[] names, Expr[] values) {
    static final Arguments NONE = new Arguments(new Expr[0], new String[0], new Expr[0]);
    private static final Object[] NO_ARGS = new Object[0];

    Object[] evalPositional(Frame f) {
      if (positional.length == 0) {
        return NO_ARGS;
      }
      Object[] out = new Object[positional.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = positional[i].eval(f);
      }
      return out;
    }

    /** Keyword arguments, or {@code null} when there are none. */
    Map<String, Object> evalKeywords(Frame f) {
      if (names.length == 0) {
        return null;
      }
      Map<String, Object> out = new LinkedHashMap<>();
      for (int i = 0; i < names.length; i++) {
        out.put(names[i], values[i].eval(f));
      }
      return out;
    }
  }

  static Object callValue(Frame f, Object callee, Object[] args, Map<String, Object> kwargs) {
    if (callee instanceof PyCallable c) {
      return c.call(f, args, kwargs);
    }
    if (callee instanceof Undefined u) {
      throw u.fail();
    }
    throw EvalError.typeError("'" + Py.typeName(callee) + "' object is not callable");
  }

  record Const(Object value, int line) implements Expr {
    @Override
    public Object eval(Frame f) {
      return value;
    }
  }

  record Name(String name, int line) implements Expr {
    @Override
    public Object eval(Frame f) {
      Object v = f.lookup(name);
      return v == Builtins.MISSING ? Undefined.named(name) : v;
    }
  }

  /** {@code target.name}; {@code dictMethod} (precomputed) says whether a dict answers with a method. */
  record GetAttr(Expr target, String name, boolean dictMethod, int line) implements Expr {
    GetAttr(Expr target, String name, int line) {
      this(target, name, Methods.isDictMethod(name), line);
    }

    @Override
    public Object eval(Frame f) {
      return Py.getattr(target.eval(f), name, dictMethod);
    }
  }

  record GetItem(Expr target, Expr key, int line) implements Expr {
    @Override
    public Object eval(Frame f) {
      return Py.getitem(target.eval(f), key.eval(f));
    }
  }

  /** {@code target[start:stop:step]}; absent parts are null. */
  record Slice(Expr target, Expr start, Expr stop, Expr step, int line) implements Expr {
    @Override
    public Object eval(Frame f) {
      Object t = target.eval(f);
      return Py.slice(t, part(start, f), part(stop, f), part(step, f));
    }

    private static Object part(Expr e, Frame f) {
      return e == null ? null : e.eval(f);
    }
  }

  record Call(Expr callee, Arguments arguments, int line) implements Expr {
    @Override
    public Object eval(Frame f) {
      Object c = callee.eval(f);
      return callValue(f, c, arguments.evalPositional(f), arguments.evalKeywords(f));
    }
  }

  /** {@code target.name(args)} without materialising a bound method for str/list/dict receivers. */
  record MethodCall(Expr target, String name, Arguments arguments, int receivers, int line) implements Expr {
    MethodCall(Expr target, String name, Arguments arguments, int line) {
      this(target, name, arguments, Methods.receiverMask(name), line);
    }

    @Override
    public Object eval(Frame f) {
      Object self = target.eval(f);
      if ((receivers & Methods.receiverKind(self)) != 0) {
        return Methods.call(self, name, arguments.evalPositional(f), arguments.evalKeywords(f));
      }
      Object c = Py.getattr(self, name);
      return callValue(f, c, arguments.evalPositional(f), arguments.evalKeywords(f));
    }
  }

  record FilterCall(Expr input, String name, Filters.Filter filter, Arguments arguments, int line) implements Expr {
    @Override
    public Object eval(Frame f) {
      return filter.apply(f, input.eval(f), arguments.evalPositional(f), arguments.evalKeywords(f));
    }
  }

  record TestCall(Expr input, String name, Tests.Test test, Arguments arguments, boolean negated, int line)
      implements Expr {
    @Override
    public Object eval(Frame f) {
      return test.test(f, input.eval(f), arguments.evalPositional(f)) != negated;
    }
  }

  record Not(Expr operand, int line) implements Expr {
    @Override
    public Object eval(Frame f) {
      return !Py.truthy(operand.eval(f));
    }
  }

  record Negate(Expr operand, int line) implements Expr {
    @Override
    public Object eval(Frame f) {
      return Py.negate(operand.eval(f));
    }
  }

  record Plus(Expr operand, int line) implements Expr {
    @Override
    public Object eval(Frame f) {
      return Py.plus(operand.eval(f));
    }
  }

  enum Op {
    ADD, SUB, MUL, DIV, FLOOR_DIV, MOD, POW
  }

  record Binary(Op op, Expr left, Expr right, int line) implements Expr {
    @Override
    public Object eval(Frame f) {
      Object a = left.eval(f);
      Object b = right.eval(f);
      return switch (op) {
        case ADD -> Py.add(a, b);
        case SUB -> Py.sub(a, b);
        case MUL -> Py.mul(a, b);
        case DIV -> Py.div(a, b);
        case FLOOR_DIV -> Py.floorDiv(a, b);
        case MOD -> Py.mod(a, b);
        case POW -> Py.pow(a, b);
      };
    }
  }

  enum CompareOp {
    EQ("=="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">="), IN("in"), NOT_IN("not in");

    final String symbol;

    CompareOp(String symbol) {
      this.symbol = symbol;
    }

    boolean apply(Object a, Object b) {
      return switch (this) {
        case EQ -> Py.equal(a, b);
        case NE -> !Py.equal(a, b);
        case LT -> Py.compare(a, b, symbol) < 0;
        case LE -> Py.compare(a, b, symbol) <= 0;
        case GT -> Py.compare(a, b, symbol) > 0;
        case GE -> Py.compare(a, b, symbol) >= 0;
        case IN -> Py.contains(b, a);
        case NOT_IN -> !Py.contains(b, a);
      };
    }
  }

  /** Chained comparison {@code a < b <= c}: each pair must hold; evaluation stops at the first false. */
  record Compare(Expr first, CompareOp[] ops, Expr[] rest, int line) implements Expr {
    @Override
    public Object eval(Frame f) {
      Object left = first.eval(f);
      for (int i = 0; i < ops.length; i++) {
        Object right = rest[i].eval(f);
        if (!ops[i].apply(left, right)) {
          return false;
        }
        left = right;
      }
      return true;
    }
  }

  record And(Expr left, Expr right, int line) implements Expr {
    @Override
    public Object eval(Frame f) {
      Object a = left.eval(f);
      return Py.truthy(a) ? right.eval(f) : a;
    }
  }

  record Or(Expr left, Expr right, int line) implements Expr {
    @Override
    public Object eval(Frame f) {
      Object a = left.eval(f);
      return Py.truthy(a) ? a : right.eval(f);
    }
  }

  /** The {@code ~} operator: str() of every part, concatenated. */
  record Concat(Expr[] parts, int line) implements Expr {
    @Override
    public Object eval(Frame f) {
      StringBuilder sb = new StringBuilder();
      for (Expr part : parts) {
        Py.appendStr(sb, part.eval(f));
      }
      return sb.toString();
    }
  }

  /** {@code then if test else otherwise}; without else an unmet condition yields Undefined. */
  record Conditional(Expr test, Expr then, Expr otherwise, int line) implements Expr {
    @Override
    public Object eval(Frame f) {
      if (Py.truthy(test.eval(f))) {
        return then.eval(f);
      }
      return otherwise == null ? Undefined.because("the inline if-expression evaluated to false and no else section was defined.") : otherwise.eval(f);
    }
  }

  record ListLiteral(Expr[] items, int line) implements Expr {
    @Override
    public Object eval(Frame f) {
      List<Object> out = new ArrayList<>(items.length);
      for (Expr e : items) {
        out.add(e.eval(f));
      }
      return out;
    }
  }

  record TupleLiteral(Expr[] items, int line) implements Expr {
    @Override
    public Object eval(Frame f) {
      Object[] out = new Object[items.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = items[i].eval(f);
      }
      return new PyTuple(out);
    }
  }

  record DictLiteral(Expr[] keys, Expr[] values, int line) implements Expr {
    @Override
    public Object eval(Frame f) {
      Map<Object, Object> out = new LinkedHashMap<>();
      for (int i = 0; i < keys.length; i++) {
        Object key = keys[i].eval(f);
        Object value = values[i].eval(f);
        if (Py.isNumber(key)) { // Python: True == 1 == 1.0 are one key; the first spelling stays
          for (Object existing : out.keySet()) {
            if (Py.isNumber(existing) && Py.equal(existing, key)) {
              key = existing;
              break;
            }
          }
        }
        out.put(key, value);
      }
      return out;
    }
  }
}
