package dev.switchboard.text.parser;

/**
 * Reads one tool-call JSON object {@code {"name": "...", "arguments"|"parameters": {...}}} one character at a time.
 *
 * <p>The name becomes available as soon as its string is closed; the arguments text grows as its characters arrive
 * (compact form, see {@link JsonValueCopier}; an arguments value given as a JSON string is unescaped instead). Other
 * keys are skipped. Missing arguments become {@code {}} when the object closes. Each character costs O(1).
 */
final class JsonToolCallReader {
  enum Status {
    /** Consumed; the object continues. */
    MORE,
    /** Consumed the closing brace of an object that has a name. */
    CALL,
    /** Consumed the closing brace of an object without a (string) name. */
    NO_NAME,
    /** Not a JSON object of the expected shape; the character was not consumed. */
    INVALID
  }

  private enum State { OPEN, KEY_OR_END, KEY, COLON, VALUE, NAME, ARGUMENTS_JSON, ARGUMENTS_STRING, SKIP, COMMA_OR_END }

  private State state = State.OPEN;
  private final StringBuilder scratch = new StringBuilder();
  private JsonStringDecoder string;
  private JsonValueCopier copier;
  private String key;
  private String name;
  private boolean hasArguments;
  private boolean firstKey = true;
  private final StringBuilder arguments = new StringBuilder();

  /** The function name once its string has closed, else null. */
  String name() {
    return name;
  }

  /** The arguments text read so far. */
  StringBuilder arguments() {
    return arguments;
  }

  Status accept(char c) {
    return switch (state) {
      case OPEN -> {
        if (Markers.isWhitespace(c)) {
          yield Status.MORE;
        }
        if (c != '{') {
          yield Status.INVALID;
        }
        state = State.KEY_OR_END;
        yield Status.MORE;
      }
      case KEY_OR_END -> keyOrEnd(c);
      case KEY -> {
        JsonStringDecoder.Status s = string.accept(c, scratch);
        if (s == JsonStringDecoder.Status.INVALID) {
          yield Status.INVALID;
        }
        if (s == JsonStringDecoder.Status.END) {
          key = scratch.toString();
          state = State.COLON;
        }
        yield Status.MORE;
      }
      case COLON -> {
        if (Markers.isWhitespace(c)) {
          yield Status.MORE;
        }
        if (c != ':') {
          yield Status.INVALID;
        }
        state = State.VALUE;
        yield Status.MORE;
      }
      case VALUE -> value(c);
      case NAME -> {
        JsonStringDecoder.Status s = string.accept(c, scratch);
        if (s == JsonStringDecoder.Status.INVALID) {
          yield Status.INVALID;
        }
        if (s == JsonStringDecoder.Status.END) {
          name = scratch.toString();
          state = State.COMMA_OR_END;
        }
        yield Status.MORE;
      }
      case ARGUMENTS_STRING -> {
        JsonStringDecoder.Status s = string.accept(c, arguments);
        if (s == JsonStringDecoder.Status.INVALID) {
          yield Status.INVALID;
        }
        if (s == JsonStringDecoder.Status.END) {
          state = State.COMMA_OR_END;
        }
        yield Status.MORE;
      }
      case ARGUMENTS_JSON -> copy(c, arguments);
      case SKIP -> copy(c, scratch);
      case COMMA_OR_END -> {
        if (Markers.isWhitespace(c)) {
          yield Status.MORE;
        }
        if (c == ',') {
          state = State.KEY_OR_END;
          yield Status.MORE;
        }
        yield c == '}' ? close() : Status.INVALID;
      }
    };
  }

  private Status keyOrEnd(char c) {
    if (Markers.isWhitespace(c)) {
      return Status.MORE;
    }
    if (c == '}' && firstKey) {
      return close();
    }
    if (c != '"') {
      return Status.INVALID;
    }
    firstKey = false;
    scratch.setLength(0);
    string = new JsonStringDecoder();
    state = State.KEY;
    return Status.MORE;
  }

  private Status value(char c) {
    if (Markers.isWhitespace(c)) {
      return Status.MORE;
    }
    boolean isArguments = key.equals("arguments") || key.equals("parameters");
    if (key.equals("name") && name == null && c == '"') {
      scratch.setLength(0);
      string = new JsonStringDecoder();
      state = State.NAME;
      return Status.MORE;
    }
    if (isArguments && !hasArguments) {
      hasArguments = true;
      if (c == '"') {
        string = new JsonStringDecoder();
        state = State.ARGUMENTS_STRING;
        return Status.MORE;
      }
      copier = new JsonValueCopier();
      state = State.ARGUMENTS_JSON;
      return copy(c, arguments);
    }
    scratch.setLength(0);
    copier = new JsonValueCopier();
    state = State.SKIP;
    return copy(c, scratch);
  }

  private Status copy(char c, StringBuilder out) {
    return switch (copier.accept(c, out)) {
      case MORE -> Status.MORE;
      case DONE -> {
        state = State.COMMA_OR_END;
        yield Status.MORE;
      }
      case DONE_BEFORE -> {
        state = State.COMMA_OR_END;
        yield accept(c);
      }
      case INVALID -> Status.INVALID;
    };
  }

  private Status close() {
    if (name == null) {
      return Status.NO_NAME;
    }
    if (!hasArguments) {
      arguments.append("{}");
    }
    return Status.CALL;
  }
}
