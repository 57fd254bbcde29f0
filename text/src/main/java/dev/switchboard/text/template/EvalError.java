package dev.switchboard.text.template;

/** A rendering failure inside the interpreter; converted to {@link TemplateException} at the render boundary. */
final class EvalError extends RuntimeException {
  final TemplateException.Kind kind;
  int line;

  EvalError(String message) {
    this(TemplateException.Kind.RUNTIME, message);
  }

  EvalError(TemplateException.Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  static EvalError typeError(String message) {
    return new EvalError("TypeError: " + message);
  }

  TemplateException toTemplateException() {
    return new TemplateException(kind, getMessage(), line);
  }
}
