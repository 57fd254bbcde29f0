package dev.switchboard.text.template;

/** A chat template failed to compile or to render; the message names the template line when known. */
public final class TemplateException extends Exception {
  /** What went wrong: the template itself, its evaluation, or an explicit {@code raise_exception(...)}. */
  public enum Kind {
    SYNTAX,
    RUNTIME,
    /** The template called {@code raise_exception(msg)}: the request does not fit the template (HTTP 400). */
    RAISED
  }

  private final Kind kind;
  private final int line;
  private final String detail;

  public TemplateException(Kind kind, String detail, int line) {
    super(line > 0 ? detail + " (template line " + line + ")" : detail);
    this.kind = kind;
    this.line = line;
    this.detail = detail;
  }

  public Kind kind() {
    return kind;
  }

  /** 1-based template line, or 0 when unknown. */
  public int line() {
    return line;
  }

  /** The message without the line suffix (for {@link Kind#RAISED}: exactly the template's message). */
  public String detail() {
    return detail;
  }
}
