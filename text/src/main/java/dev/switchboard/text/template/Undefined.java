package dev.switchboard.text.template;

/**
 * jinja2's default {@code Undefined}: renders as empty, is falsy, iterates as empty and has length 0; using it
 * in arithmetic, calling it or reading its attributes fails with the recorded reason. The reason is only
 * formatted when it is needed (missing keys are common and cheap).
 */
final class Undefined {
  private enum Why {
    NAME, ATTRIBUTE, ITEM, TEXT
  }

  private final Why why;
  private final Object owner;
  private final Object subject;

  private Undefined(Why why, Object owner, Object subject) {
    this.why = why;
    this.owner = owner;
    this.subject = subject;
  }

  static Undefined named(String name) {
    return new Undefined(Why.NAME, null, name);
  }

  static Undefined missingAttribute(Object owner, Object attribute) {
    return new Undefined(Why.ATTRIBUTE, owner, attribute);
  }

  static Undefined missingItem(Object owner, Object key) {
    return new Undefined(Why.ITEM, owner, key);
  }

  static Undefined because(String reason) {
    return new Undefined(Why.TEXT, null, reason);
  }

  String reason() {
    return switch (why) {
      case NAME -> "'" + subject + "' is undefined";
      case ATTRIBUTE -> Py.ownerDescription(owner) + " has no attribute " + Py.repr(subject);
      case ITEM -> Py.ownerDescription(owner) + " has no element " + Py.repr(subject);
      case TEXT -> (String) subject;
    };
  }

  EvalError fail() {
    return new EvalError("UndefinedError: " + reason());
  }

  @Override
  public String toString() {
    return "";
  }
}
