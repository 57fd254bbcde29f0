package dev.switchboard.text.template;

import java.time.Clock;
import java.util.Map;

/**
 * A HuggingFace chat template compiled once and rendered many times, with the semantics transformers gives it:
 * jinja2 in an immutable sandbox with {@code trim_blocks} and {@code lstrip_blocks}, {@code tojson} as
 * {@code json.dumps(ensure_ascii=False)}, and the globals {@code raise_exception} and {@code strftime_now}.
 *
 * <p>Variables are plain Java values: {@code Map<String, Object>} (insertion-ordered), {@code List<Object>},
 * {@code String}, {@code Long}/{@code Integer}, {@code Double}, {@code Boolean} and {@code null}. Their text is
 * data only: nothing in a variable is ever evaluated as template code. Thread-safe; rendering allocates only
 * per-render state.
 */
public final class ChatTemplate {
  private final Stmt.Body body;
  private final Builtins builtins;
  /** Length of the last rendering: sizes the next output buffer (a benign race between threads). */
  private int sizeHint;

  private ChatTemplate(Stmt.Body body, Builtins builtins) {
    this.body = body;
    this.builtins = builtins;
  }

  public static ChatTemplate compile(String source) throws TemplateException {
    return compile(source, Clock.systemDefaultZone());
  }

  /** As {@link #compile(String)}, with the clock {@code strftime_now} reads. */
  public static ChatTemplate compile(String source, Clock clock) throws TemplateException {
    return new ChatTemplate(Parser.parse(Lexer.tokenize(source)), new Builtins(clock));
  }

  public String render(Map<String, Object> vars) throws TemplateException {
    Frame root = new Frame(null, new Frame.RenderContext(vars, builtins));
    StringBuilder out = new StringBuilder(Math.max(1024, sizeHint + (sizeHint >> 3)));
    try {
      body.exec(root, out);
      sizeHint = out.length();
    } catch (EvalError e) {
      throw e.toTemplateException();
    } catch (ArithmeticException e) {
      throw new TemplateException(TemplateException.Kind.RUNTIME, "OverflowError: " + e.getMessage(), 0);
    } catch (RuntimeException e) {
      // a gap in the interpreter's type checks must surface as a template error, never as a crash
      throw new TemplateException(TemplateException.Kind.RUNTIME, "internal error: " + e, 0);
    } catch (StackOverflowError e) {
      throw new TemplateException(TemplateException.Kind.RUNTIME, "template recursion too deep", 0);
    }
    return out.toString();
  }
}
