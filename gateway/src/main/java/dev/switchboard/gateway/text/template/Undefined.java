package dev.switchboard.gateway.text.template;

/**
 * jinja2's default {@code Undefined}: renders as empty, is falsy, iterates as empty and has length 0; using it
 * in arithmetic, calling it or reading its attributes fails with the recorded reason.
 */
final class Undefined {
  private final String reason;

  private Undefined(String reason) {
    this.reason = reason;
  }

  static Undefined named(String name) {
    return new Undefined("'" + name + "' is undefined");
  }

  static Undefined missingAttribute(Object owner, Object attribute) {
    return new Undefined(Py.ownerDescription(owner) + " has no attribute " + Py.repr(attribute));
  }

  static Undefined missingItem(Object owner, Object key) {
    return new Undefined(Py.ownerDescription(owner) + " has no element " + Py.repr(key));
  }

  static Undefined because(String reason) {
    return new Undefined(reason);
  }

  EvalError fail() {
    return new EvalError("UndefinedError: " + reason);
  }

  @Override
  public String toString() {
    return "";
  }
}
