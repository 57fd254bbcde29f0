package dev.switchboard.text.parser;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * DeepSeek-V3 tool calls, written with the model's special tokens:
 *
 * <pre>
 * &lt;｜tool▁calls▁begin｜&gt;&lt;｜tool▁call▁begin｜&gt;function&lt;｜tool▁sep｜&gt;get_weather
 * ```json
 * {"city": "Paris"}
 * ```&lt;｜tool▁call▁end｜&gt;&lt;｜tool▁calls▁end｜&gt;
 * </pre>
 *
 * <p>The DeepSeek-V3.1 layout {@code <｜tool▁call▁begin｜>get_weather<｜tool▁sep｜>{"city": "Paris"}<｜tool▁call▁end｜>}
 * (name before the separator, no code fence) is read as well. Text before the section is content. A call is
 * announced when its name is complete; the arguments JSON is streamed in compact form. Markup that does not follow this layout ends the section: the remaining text is content.
 * Only partial markers and the name line are held between deltas; the arguments cost O(1) per character.
 */
public final class DeepSeekV3ToolParser implements ToolCallParser {
  static final String CALLS_BEGIN = "<｜tool▁calls▁begin｜>";
  static final String CALLS_END = "<｜tool▁calls▁end｜>";
  static final String CALL_BEGIN = "<｜tool▁call▁begin｜>";
  static final String CALL_END = "<｜tool▁call▁end｜>";
  static final String SEP = "<｜tool▁sep｜>";
  private static final String FENCE_OPEN = "```json";
  private static final String FENCE_CLOSE = "```";

  private enum State { TEXT, SECTION, TYPE, NAME, FENCE, ARGUMENTS, CLOSE_FENCE, CALL_END, AFTER }

  private final ToolUpdateBuilder out;
  private final TextOutsideCalls content;
  private State state = State.TEXT;
  private String pending = "";
  private JsonValueCopier copier;
  private final StringBuilder arguments = new StringBuilder();
  private int callIndex = -1;

  public DeepSeekV3ToolParser(Supplier<String> ids) {
    this.out = new ToolUpdateBuilder(Objects.requireNonNull(ids, "ids"));
    this.content = new TextOutsideCalls(out);
  }

  @Override
  public ToolStreamUpdate push(String text) {
    String buffer = pending.isEmpty() ? text : pending.concat(text);
    pending = "";
    int at = 0;
    while (at >= 0 && at < buffer.length()) {
      at = switch (state) {
        case TEXT -> text(buffer, at);
        case SECTION -> section(buffer, at);
        case TYPE -> type(buffer, at);
        case NAME -> name(buffer, at);
        case FENCE -> marker(buffer, Markers.skipWhitespace(buffer, at), FENCE_OPEN, State.ARGUMENTS);
        case ARGUMENTS -> arguments(buffer, at);
        case CLOSE_FENCE -> marker(buffer, Markers.skipWhitespace(buffer, at), FENCE_CLOSE, State.CALL_END);
        case CALL_END -> marker(buffer, Markers.skipWhitespace(buffer, at), CALL_END, State.SECTION);
        case AFTER -> after(buffer, at);
      };
    }
    return out.drain();
  }

  @Override
  public ToolStreamUpdate finish() {
    if (state == State.TEXT || state == State.AFTER) {
      content.emit(pending, false);
    }
    pending = "";
    content.finish();
    return out.drain();
  }

  /** Returns the next position, or -1 when the rest of the buffer was held in {@code pending}. */
  private int text(String buffer, int at) {
    int found = buffer.indexOf(CALLS_BEGIN, at);
    if (found >= 0) {
      content.emit(buffer.substring(at, found), true);
      state = State.SECTION;
      return found + CALLS_BEGIN.length();
    }
    return hold(buffer, at, Markers.partialStart(buffer, at, CALLS_BEGIN));
  }

  private int section(String buffer, int at) {
    int i = Markers.skipWhitespace(buffer, at);
    if (i == buffer.length()) {
      return i;
    }
    if (buffer.startsWith(CALL_BEGIN, i)) {
      state = State.TYPE;
      return i + CALL_BEGIN.length();
    }
    if (buffer.startsWith(CALLS_END, i)) {
      endSection();
      return i + CALLS_END.length();
    }
    if (isPrefixOfRest(CALL_BEGIN, buffer, i) || isPrefixOfRest(CALLS_END, buffer, i)) {
      return hold(buffer, i, i);
    }
    endSection();
    return i;
  }

  /** Reads up to the separator: "function" (V3: the name follows on its own line) or the name itself (V3.1). */
  private int type(String buffer, int at) {
    int found = buffer.indexOf(SEP, at);
    if (found < 0) {
      return hold(buffer, at, at);
    }
    String type = buffer.substring(at, found).strip();
    if (type.equals("function")) {
      state = State.NAME;
    } else if (type.isEmpty()) {
      endSection();
    } else {
      announce(type);
      state = State.ARGUMENTS;
    }
    return found + SEP.length();
  }

  private int name(String buffer, int at) {
    int newline = buffer.indexOf('\n', at);
    if (newline < 0) {
      return hold(buffer, at, at);
    }
    String name = buffer.substring(at, newline).strip();
    if (name.isEmpty()) {
      endSection();
      return newline + 1;
    }
    announce(name);
    state = State.FENCE;
    return newline + 1;
  }

  private void announce(String name) {
    callIndex = out.begin(name);
    copier = new JsonValueCopier();
  }

  private int marker(String buffer, int i, String marker, State next) {
    if (i == buffer.length()) {
      return i;
    }
    if (buffer.startsWith(marker, i)) {
      state = next;
      return i + marker.length();
    }
    if (isPrefixOfRest(marker, buffer, i)) {
      return hold(buffer, i, i);
    }
    if (state == State.FENCE || state == State.CLOSE_FENCE) {
      state = state == State.FENCE ? State.ARGUMENTS : State.CALL_END;
      return i;
    }
    closeCall();
    endSection();
    return i;
  }

  private int arguments(String buffer, int at) {
    int i = at;
    while (i < buffer.length()) {
      JsonValueCopier.Status status = copier.accept(buffer.charAt(i), arguments);
      if (status == JsonValueCopier.Status.MORE || status == JsonValueCopier.Status.DONE) {
        i++;
      }
      if (status != JsonValueCopier.Status.MORE) {
        closeCall();
        state = status == JsonValueCopier.Status.INVALID ? State.AFTER : State.CLOSE_FENCE;
        if (state == State.AFTER) {
          content.callBlockEnded();
        }
        return i;
      }
    }
    flushArguments();
    return i;
  }

  private int after(String buffer, int at) {
    content.emit(buffer.substring(at), false);
    return buffer.length();
  }

  private void closeCall() {
    flushArguments();
    callIndex = -1;
  }

  private void flushArguments() {
    if (callIndex >= 0 && !arguments.isEmpty()) {
      out.arguments(callIndex, arguments);
    }
    arguments.setLength(0);
  }

  private void endSection() {
    state = State.AFTER;
    content.callBlockEnded();
  }

  private int hold(String buffer, int from, int holdFrom) {
    if (state == State.TEXT) {
      content.emit(buffer.substring(from, holdFrom), false);
    }
    pending = buffer.substring(holdFrom);
    return -1;
  }

  private static boolean isPrefixOfRest(String marker, String buffer, int at) {
    return marker.startsWith(buffer.substring(at));
  }
}
