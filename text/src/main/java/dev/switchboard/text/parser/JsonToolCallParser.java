package dev.switchboard.text.parser;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Tool calls written as JSON objects {@code {"name": …, "arguments"|"parameters": …}}, in one of these layouts:
 *
 * <ul>
 *   <li>{@link #qwen} (also hermes): {@code <tool_call>{…}</tool_call>}, repeated; text around the blocks is
 *       content.</li>
 *   <li>{@link #mistral}: {@code [TOOL_CALLS]} then a JSON array of calls (or one object).</li>
 *   <li>{@link #llama3}: an optional {@code <|python_tag|>}, then one or more objects separated by {@code ;}; a bare
 *       object is recognised only at the very start of the output.</li>
 *   <li>{@link #json}: the output starts (after whitespace) with one object or an array of objects, as produced
 *       under a JSON-schema constraint; anything else is content.</li>
 * </ul>
 *
 * <p>A call is announced (index, id, name) as soon as its name is read; argument characters are streamed as they
 * arrive. Until the first call of a block is announced, the block's raw text is kept so it can be released as
 * content if it turns out not to be a tool call. Whitespace between and after tool-call blocks is dropped; other text
 * after a block is content. Text is scanned once: O(1) work per character, plus O(marker length) per delta.
 */
public final class JsonToolCallParser implements ToolCallParser {
  /** How calls are laid out after the start marker. */
  enum Body { OBJECT, OBJECT_OR_ARRAY, SEMICOLON_OBJECTS }

  private enum State { START, TEXT, BODY, END_MARKER }

  private enum BodyState { EXPECT_VALUE, EXPECT_ELEMENT, OBJECT, AFTER_ELEMENT, AFTER_OBJECT }

  private final String startMarker;
  private final String endMarker;
  private final Body body;
  private final ToolUpdateBuilder out;

  private State state;
  private String pending = "";
  private final TextOutsideCalls content;
  private final StringBuilder leadingWhitespace = new StringBuilder();

  private BodyState bodyState;
  private boolean inArray;
  private boolean bodyCommitted;
  private final StringBuilder raw = new StringBuilder();
  private JsonToolCallReader reader;
  private int callIndex = -1;
  private int argumentsSent;

  JsonToolCallParser(String startMarker, String endMarker, boolean bareJsonAtStart, Body body, Supplier<String> ids) {
    this.startMarker = startMarker;
    this.endMarker = endMarker;
    this.body = Objects.requireNonNull(body, "body");
    this.out = new ToolUpdateBuilder(Objects.requireNonNull(ids, "ids"));
    this.content = new TextOutsideCalls(out);
    this.state = bareJsonAtStart ? State.START : State.TEXT;
  }

  public static JsonToolCallParser qwen(Supplier<String> ids) {
    return new JsonToolCallParser("<tool_call>", "</tool_call>", false, Body.OBJECT, ids);
  }

  public static JsonToolCallParser mistral(Supplier<String> ids) {
    return new JsonToolCallParser("[TOOL_CALLS]", null, false, Body.OBJECT_OR_ARRAY, ids);
  }

  public static JsonToolCallParser llama3(Supplier<String> ids) {
    return new JsonToolCallParser("<|python_tag|>", null, true, Body.SEMICOLON_OBJECTS, ids);
  }

  public static JsonToolCallParser json(Supplier<String> ids) {
    return new JsonToolCallParser(null, null, true, Body.OBJECT_OR_ARRAY, ids);
  }

  @Override
  public ToolStreamUpdate push(String text) {
    String buffer = pending.isEmpty() ? text : pending.concat(text);
    pending = "";
    int at = 0;
    while (at < buffer.length()) {
      at = switch (state) {
        case START -> start(buffer, at);
        case TEXT -> scanText(buffer, at);
        case BODY -> body(buffer, at);
        case END_MARKER -> endMarker(buffer, at);
      };
    }
    sendArguments();
    return out.drain();
  }

  @Override
  public ToolStreamUpdate finish() {
    String rest = pending;
    pending = "";
    switch (state) {
      case START -> out.normal(leadingWhitespace);
      case TEXT -> content.emit(rest, false);
      case BODY -> {
        if (!bodyCommitted) {
          content.emit(raw.toString(), false);
        }
        sendArguments();
      }
      case END_MARKER -> {
        // a cut-off end marker is markup, not content
      }
    }
    content.finish();
    leadingWhitespace.setLength(0);
    raw.setLength(0);
    state = State.TEXT;
    return out.drain();
  }

  /** Leading whitespace is held until the first other character shows whether the output is bare JSON. */
  private int start(String buffer, int at) {
    int i = Markers.skipWhitespace(buffer, at);
    leadingWhitespace.append(buffer, at, i);
    if (i == buffer.length()) {
      return i;
    }
    char first = buffer.charAt(i);
    if (first == '{' || (first == '[' && body == Body.OBJECT_OR_ARRAY)) {
      raw.append(leadingWhitespace);
      leadingWhitespace.setLength(0);
      beginBody();
    } else {
      out.normal(leadingWhitespace);
      leadingWhitespace.setLength(0);
      state = State.TEXT;
    }
    return i;
  }

  private int scanText(String buffer, int at) {
    if (startMarker == null) {
      content.emit(buffer.substring(at), false);
      return buffer.length();
    }
    int found = buffer.indexOf(startMarker, at);
    if (found >= 0) {
      content.emit(buffer.substring(at, found), true);
      raw.append(startMarker);
      beginBody();
      return found + startMarker.length();
    }
    int hold = Markers.partialStart(buffer, at, startMarker);
    content.emit(buffer.substring(at, hold), false);
    pending = buffer.substring(hold);
    return buffer.length();
  }

  private int endMarker(String buffer, int at) {
    int i = Markers.skipWhitespace(buffer, at);
    if (i == buffer.length()) {
      return i;
    }
    if (buffer.startsWith(endMarker, i)) {
      state = State.TEXT;
      return i + endMarker.length();
    }
    if (endMarker.startsWith(buffer.substring(i))) {
      pending = buffer.substring(i);
      return buffer.length();
    }
    state = State.TEXT;
    return i;
  }

  private void beginBody() {
    state = State.BODY;
    bodyState = BodyState.EXPECT_VALUE;
    inArray = false;
    bodyCommitted = false;
  }

  private int body(String buffer, int at) {
    int i = at;
    while (i < buffer.length() && state == State.BODY) {
      char c = buffer.charAt(i);
      if (bodyChar(c)) {
        if (!bodyCommitted) {
          raw.append(c);
        }
        i++;
      }
    }
    if (state != State.BODY && !raw.isEmpty()) {
      String released = raw.toString();
      raw.setLength(0);
      content.emit(released, false);
    }
    return i;
  }

  /** Advances the body by one character; returns false if the character ends the body unconsumed. */
  private boolean bodyChar(char c) {
    switch (bodyState) {
      case EXPECT_VALUE, EXPECT_ELEMENT -> {
        if (Markers.isWhitespace(c)) {
          return true;
        }
        if (c == '{') {
          reader = new JsonToolCallReader();
          bodyState = BodyState.OBJECT;
          return objectChar(c);
        }
        if (c == '[' && bodyState == BodyState.EXPECT_VALUE && body == Body.OBJECT_OR_ARRAY && !inArray) {
          inArray = true;
          bodyState = BodyState.EXPECT_ELEMENT;
          return true;
        }
        if (c == ']' && bodyState == BodyState.EXPECT_ELEMENT && bodyCommitted) {
          endBody();
          return true;
        }
        return failBody();
      }
      case OBJECT -> {
        return objectChar(c);
      }
      case AFTER_ELEMENT -> {
        if (Markers.isWhitespace(c)) {
          return true;
        }
        if (c == ',') {
          bodyState = BodyState.EXPECT_ELEMENT;
          return true;
        }
        if (c == ']') {
          endBody();
          return true;
        }
        return failBody();
      }
      case AFTER_OBJECT -> {
        if (Markers.isWhitespace(c)) {
          return true;
        }
        if (c == ';' && body == Body.SEMICOLON_OBJECTS) {
          bodyState = BodyState.EXPECT_VALUE;
          return true;
        }
        endBody();
        return false;
      }
    }
    throw new IllegalStateException(bodyState.name());
  }

  private boolean objectChar(char c) {
    JsonToolCallReader.Status status = reader.accept(c);
    if (status == JsonToolCallReader.Status.INVALID) {
      return failBody();
    }
    if (callIndex < 0 && reader.name() != null) {
      announce();
    }
    switch (status) {
      case CALL -> {
        sendArguments();
        callIndex = -1;
        bodyState = inArray ? BodyState.AFTER_ELEMENT : BodyState.AFTER_OBJECT;
      }
      case NO_NAME -> {
        if (!bodyCommitted) {
          failBody();
        } else {
          bodyState = inArray ? BodyState.AFTER_ELEMENT : BodyState.AFTER_OBJECT;
        }
      }
      default -> {
      }
    }
    return true;
  }

  private void announce() {
    callIndex = out.begin(reader.name());
    argumentsSent = 0;
    bodyCommitted = true;
    raw.setLength(0);
  }

  private void sendArguments() {
    if (callIndex < 0) {
      return;
    }
    StringBuilder arguments = reader.arguments();
    if (arguments.length() > argumentsSent) {
      out.arguments(callIndex, arguments.subSequence(argumentsSent, arguments.length()));
      argumentsSent = arguments.length();
    }
  }

  private void endBody() {
    state = endMarker == null ? State.TEXT : State.END_MARKER;
    if (bodyCommitted) {
      content.callBlockEnded();
    }
    raw.setLength(0);
  }

  /**
   * The body is not (or no longer) tool-call JSON: the rest is text. Raw text kept from before the first call of the
   * body is released as content by {@link #body}. Returns false: the character is not consumed.
   */
  private boolean failBody() {
    if (bodyCommitted) {
      sendArguments();
      content.callBlockEnded();
    }
    callIndex = -1;
    state = State.TEXT;
    return false;
  }
}
