package dev.switchboard.text.template;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** jinja2's tests ({@code x is defined}, {@code x is string}, ...). */
final class Tests {
  private Tests() {}

  @FunctionalInterface
  interface Test {
    boolean test(Frame f, Object value, Object[] args);
  }

  private static final Map<String, Test> TESTS = new HashMap<>();

  static {
    TESTS.put("defined", (f, v, a) -> !(v instanceof Undefined));
    TESTS.put("undefined", (f, v, a) -> v instanceof Undefined);
    TESTS.put("none", (f, v, a) -> v == null);
    TESTS.put("boolean", (f, v, a) -> v instanceof Boolean);
    TESTS.put("true", (f, v, a) -> Boolean.TRUE.equals(v));
    TESTS.put("false", (f, v, a) -> Boolean.FALSE.equals(v));
    TESTS.put("integer", (f, v, a) -> Py.isInt(v));
    TESTS.put("float", (f, v, a) -> Py.isFloat(v));
    TESTS.put("number", (f, v, a) -> Py.isNumber(v));
    TESTS.put("string", (f, v, a) -> v instanceof String);
    TESTS.put("mapping", (f, v, a) -> v instanceof Map);
    TESTS.put("sequence", (f, v, a) -> (v instanceof List && !(v instanceof PyIterator) && !(v instanceof PyView))
        || v instanceof String || v instanceof Map || v instanceof Undefined);
    TESTS.put("iterable", (f, v, a) -> v instanceof List || v instanceof String || v instanceof Map
        || v instanceof Undefined);
    TESTS.put("callable", (f, v, a) -> v instanceof PyCallable || v instanceof Undefined);
    TESTS.put("escaped", (f, v, a) -> false);
    TESTS.put("odd", (f, v, a) -> Py.equal(Py.mod(v, 2L), 1L));
    TESTS.put("even", (f, v, a) -> Py.equal(Py.mod(v, 2L), 0L));
    TESTS.put("divisibleby", (f, v, a) -> Py.equal(Py.mod(v, arg(a, 0, "divisibleby")), 0L));
    Test eq = (f, v, a) -> Py.equal(v, arg(a, 0, "eq"));
    Test ne = (f, v, a) -> !Py.equal(v, arg(a, 0, "ne"));
    Test lt = (f, v, a) -> Py.compare(v, arg(a, 0, "lt"), "<") < 0;
    Test le = (f, v, a) -> Py.compare(v, arg(a, 0, "le"), "<=") <= 0;
    Test gt = (f, v, a) -> Py.compare(v, arg(a, 0, "gt"), ">") > 0;
    Test ge = (f, v, a) -> Py.compare(v, arg(a, 0, "ge"), ">=") >= 0;
    for (String name : new String[] {"eq", "equalto", "=="}) {
      TESTS.put(name, eq);
    }
    for (String name : new String[] {"ne", "!="}) {
      TESTS.put(name, ne);
    }
    for (String name : new String[] {"lt", "lessthan", "<"}) {
      TESTS.put(name, lt);
    }
    for (String name : new String[] {"le", "<="}) {
      TESTS.put(name, le);
    }
    for (String name : new String[] {"gt", "greaterthan", ">"}) {
      TESTS.put(name, gt);
    }
    for (String name : new String[] {"ge", ">="}) {
      TESTS.put(name, ge);
    }
    TESTS.put("in", (f, v, a) -> Py.contains(arg(a, 0, "in"), v));
    TESTS.put("sameas", (f, v, a) -> sameAs(v, arg(a, 0, "sameas")));
    TESTS.put("lower", (f, v, a) -> (Boolean) Methods.call(Py.str(v), "islower", new Object[0], null));
    TESTS.put("upper", (f, v, a) -> (Boolean) Methods.call(Py.str(v), "isupper", new Object[0], null));
    TESTS.put("filter", (f, v, a) -> v instanceof String s && Filters.lookup(s) != null);
    TESTS.put("test", (f, v, a) -> v instanceof String s && TESTS.containsKey(s));
  }

  /** The test named {@code name}, or {@code null}. */
  static Test lookup(String name) {
    return TESTS.get(name);
  }

  private static Object arg(Object[] args, int index, String test) {
    if (index >= args.length) {
      throw EvalError.typeError("test '" + test + "' is missing an argument");
    }
    return args[index];
  }


  /** Python {@code is}: identity for None/bools, value identity for small ints and strings is not guaranteed. */
  private static boolean sameAs(Object a, Object b) {
    if (a == null || b == null || a instanceof Boolean || b instanceof Boolean) {
      return a == b || (a instanceof Boolean && a.equals(b));
    }
    return a == b;
  }
}
