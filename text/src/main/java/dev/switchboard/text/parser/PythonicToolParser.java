package dev.switchboard.text.parser;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Tool calls as a Python list of calls with keyword arguments: {@code [get_weather(city="Paris", days=3), now()]}
 * (Llama 4, some DeepSeek models). Arguments become a JSON object: {@code {"city":"Paris","days":3}}. The Llama 4
 * markers {@code <|python_start|>} and {@code <|python_end|>} are dropped.
 *
 * <p>A {@code [} starts a candidate; it becomes a tool-call block once a name followed by {@code (} is read (the call
 * is announced then), otherwise the {@code [} is content and scanning continues after it. Each keyword argument is
 * emitted as one fragment once its value is complete. Cost: text outside calls is scanned once; an argument value
 * that spans several deltas is re-parsed from its start on each delta (O(value length) per delta).
 */
public final class PythonicToolParser implements ToolCallParser {
  private static final List<String> DROPPED_MARKERS = List.of("<|python_start|>", "<|python_end|>");
  private static final ObjectMapper JSON = new ObjectMapper();

  private enum State { TEXT, LIST }

  private enum ListState { EXPECT_CALL, ARGS, AFTER_ARG, AFTER_CALL }

  /** Outcome of one step over the list text. */
  private enum Step { PROGRESS, NEED_MORE, INVALID, DONE }

  private final ToolUpdateBuilder out;
  private final TextOutsideCalls content;
  private State state = State.TEXT;
  private String pending = "";

  private final StringBuilder list = new StringBuilder();
  private ListState listState;
  private int pos;
  private boolean committed;
  private int callIndex = -1;
  private int argumentCount;

  public PythonicToolParser(Supplier<String> ids) {
    this.out = new ToolUpdateBuilder(Objects.requireNonNull(ids, "ids"));
    this.content = new TextOutsideCalls(out);
  }

  @Override
  public ToolStreamUpdate push(String text) {
    String buffer = pending.isEmpty() ? text : pending.concat(text);
    pending = "";
    while (!buffer.isEmpty()) {
      if (state == State.TEXT) {
        buffer = scanText(buffer);
      } else {
        list.append(buffer);
        buffer = runList();
      }
    }
    return out.drain();
  }

  @Override
  public ToolStreamUpdate finish() {
    if (state == State.TEXT) {
      content.emit(pending, false);
    } else if (!committed) {
      content.emit(list, false);
    }
    pending = "";
    list.setLength(0);
    state = State.TEXT;
    content.finish();
    return out.drain();
  }

  /** Emits content up to the next '[' (switching to LIST) or holds a possible cut marker; returns the rest. */
  private String scanText(String buffer) {
    int bracket = buffer.indexOf('[');
    int markerAt = -1;
    String marker = null;
    for (String m : DROPPED_MARKERS) {
      int at = buffer.indexOf(m);
      if (at >= 0 && (markerAt < 0 || at < markerAt)) {
        markerAt = at;
        marker = m;
      }
    }
    if (markerAt >= 0 && (bracket < 0 || markerAt < bracket)) {
      content.emit(buffer.substring(0, markerAt), false);
      return buffer.substring(markerAt + marker.length());
    }
    if (bracket >= 0) {
      content.emit(buffer.substring(0, bracket), false);
      startList();
      return buffer.substring(bracket + 1);
    }
    int hold = buffer.length();
    for (String m : DROPPED_MARKERS) {
      hold = Math.min(hold, Markers.partialStart(buffer, 0, m));
    }
    content.emit(buffer.substring(0, hold), false);
    pending = buffer.substring(hold);
    return "";
  }

  private void startList() {
    state = State.LIST;
    list.setLength(0);
    list.append('[');
    pos = 1;
    listState = ListState.EXPECT_CALL;
    committed = false;
    callIndex = -1;
  }

  /** Advances through the list text; returns text to scan as content when the list ended, else "". */
  private String runList() {
    while (true) {
      Step step = switch (listState) {
        case EXPECT_CALL -> expectCall();
        case ARGS -> argument();
        case AFTER_ARG -> afterArgument();
        case AFTER_CALL -> afterCall();
      };
      switch (step) {
        case PROGRESS -> {
        }
        case NEED_MORE -> {
          return "";
        }
        case DONE -> {
          return leaveList(pos);
        }
        case INVALID -> {
          if (!committed) {
            content.emit("[", false);
            return leaveList(1);
          }
          if (callIndex >= 0) {
            out.arguments(callIndex, argumentCount == 0 ? "{}" : "}");
          }
          return leaveList(pos);
        }
      }
    }
  }

  private String leaveList(int from) {
    String rest = list.substring(from);
    if (committed) {
      content.callBlockEnded();
    }
    list.setLength(0);
    state = State.TEXT;
    callIndex = -1;
    return rest;
  }

  private Step expectCall() {
    int i = skipWhitespace(pos);
    if (i == list.length()) {
      return Step.NEED_MORE;
    }
    if (list.charAt(i) == ']' && committed) {
      pos = i + 1;
      return Step.DONE;
    }
    int nameEnd = identifierEnd(i, true);
    if (nameEnd < 0) {
      return Step.INVALID;
    }
    int paren = skipWhitespace(nameEnd);
    if (nameEnd == list.length() || paren == list.length()) {
      return Step.NEED_MORE;
    }
    if (list.charAt(paren) != '(') {
      return Step.INVALID;
    }
    if (!committed) {
      content.emit("", true);
      committed = true;
    }
    callIndex = out.begin(list.substring(i, nameEnd));
    argumentCount = 0;
    pos = paren + 1;
    listState = ListState.ARGS;
    return Step.PROGRESS;
  }

  private Step argument() {
    int i = skipWhitespace(pos);
    if (i == list.length()) {
      return Step.NEED_MORE;
    }
    if (list.charAt(i) == ')') {
      return closeCall(i);
    }
    int keyEnd = identifierEnd(i, false);
    if (keyEnd < 0) {
      return Step.INVALID;
    }
    int equals = skipWhitespace(keyEnd);
    if (keyEnd == list.length() || equals == list.length()) {
      return Step.NEED_MORE;
    }
    if (list.charAt(equals) != '=') {
      return Step.INVALID;
    }
    PythonLiteral.Parsed value;
    try {
      value = PythonLiteral.parse(list, equals + 1);
    } catch (PythonLiteral.Incomplete e) {
      return Step.NEED_MORE;
    } catch (PythonLiteral.Invalid e) {
      return Step.INVALID;
    }
    int next = skipWhitespace(value.end());
    if (next == list.length()) {
      return Step.NEED_MORE;
    }
    if (list.charAt(next) != ',' && list.charAt(next) != ')') {
      return Step.INVALID;
    }
    out.arguments(callIndex, (argumentCount++ == 0 ? "{" : ",") + json(list.substring(i, keyEnd)) + ":"
        + json(value.value()));
    pos = value.end();
    listState = ListState.AFTER_ARG;
    return Step.PROGRESS;
  }

  private Step afterArgument() {
    int i = skipWhitespace(pos);
    if (i == list.length()) {
      return Step.NEED_MORE;
    }
    return switch (list.charAt(i)) {
      case ',' -> {
        pos = i + 1;
        listState = ListState.ARGS;
        yield Step.PROGRESS;
      }
      case ')' -> closeCall(i);
      default -> Step.INVALID;
    };
  }

  private Step closeCall(int paren) {
    out.arguments(callIndex, argumentCount == 0 ? "{}" : "}");
    callIndex = -1;
    pos = paren + 1;
    listState = ListState.AFTER_CALL;
    return Step.PROGRESS;
  }

  private Step afterCall() {
    int i = skipWhitespace(pos);
    if (i == list.length()) {
      return Step.NEED_MORE;
    }
    return switch (list.charAt(i)) {
      case ',' -> {
        pos = i + 1;
        listState = ListState.EXPECT_CALL;
        yield Step.PROGRESS;
      }
      case ']' -> {
        pos = i + 1;
        yield Step.DONE;
      }
      default -> Step.INVALID;
    };
  }

  /** End of a Python identifier (dotted if allowed) starting at {@code from}, or -1 if none starts there. */
  private int identifierEnd(int from, boolean dotted) {
    if (!Character.isLetter(list.charAt(from)) && list.charAt(from) != '_') {
      return -1;
    }
    int i = from + 1;
    while (i < list.length()) {
      char c = list.charAt(i);
      if (!(Character.isLetterOrDigit(c) || c == '_' || (dotted && c == '.'))) {
        break;
      }
      i++;
    }
    return i;
  }

  private int skipWhitespace(int from) {
    int i = from;
    while (i < list.length() && Markers.isWhitespace(list.charAt(i))) {
      i++;
    }
    return i;
  }

  private static String json(Object value) {
    try {
      return value instanceof JsonNode node ? JSON.writeValueAsString(node) : JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
