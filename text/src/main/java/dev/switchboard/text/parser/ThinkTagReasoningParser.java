package dev.switchboard.text.parser;

import java.util.Objects;

/**
 * Reasoning between a start and an end tag ({@code <think>…</think>} style).
 *
 * <ul>
 *   <li>Without {@code startsInReasoning} (qwen3): text before the start tag is normal content; the first start tag
 *       opens the reasoning block. With it (deepseek_r1, qwen3_thinking): the output begins inside the block because
 *       the chat template already emitted the start tag; a start tag the model repeats at the very beginning is
 *       dropped.</li>
 *   <li>The first end tag closes the block; all later text is normal content, tags included. Output that ends
 *       inside the block is all reasoning.</li>
 *   <li>Whitespace around the reasoning and at the start of the content after the end tag is trimmed.</li>
 * </ul>
 *
 * <p>Only a possible partial tag and trailing whitespace are held back between deltas, so each delta costs
 * O(delta + tag length).
 */
public final class ThinkTagReasoningParser implements ReasoningParser {
  private enum State { BEFORE, REASONING, AFTER }

  private final String startTag;
  private final String endTag;
  private State state;
  private boolean mayRepeatStartTag;
  private boolean reasoningStarted;
  private boolean contentStarted;
  private String pending = "";

  public ThinkTagReasoningParser(String startTag, String endTag, boolean startsInReasoning) {
    this.startTag = Objects.requireNonNull(startTag, "startTag");
    this.endTag = Objects.requireNonNull(endTag, "endTag");
    this.state = startsInReasoning ? State.REASONING : State.BEFORE;
    this.mayRepeatStartTag = startsInReasoning;
  }

  @Override
  public ReasoningDelta push(String text) {
    StringBuilder reasoning = new StringBuilder();
    StringBuilder normal = new StringBuilder();
    String buffer = pending.concat(text);
    pending = "";
    while (!buffer.isEmpty()) {
      buffer = switch (state) {
        case BEFORE -> before(buffer, normal);
        case REASONING -> reasoning(buffer, reasoning);
        case AFTER -> after(buffer, normal);
      };
    }
    return delta(reasoning, normal);
  }

  @Override
  public ReasoningDelta finish() {
    String rest = pending;
    pending = "";
    return switch (state) {
      case BEFORE -> new ReasoningDelta("", rest);
      case REASONING -> {
        int end = Markers.trailingWhitespaceStart(rest, 0, rest.length());
        yield end == 0 ? ReasoningDelta.EMPTY : new ReasoningDelta(rest.substring(0, end), "");
      }
      case AFTER -> ReasoningDelta.EMPTY;
    };
  }

  @Override
  public boolean inReasoning() {
    return state == State.REASONING;
  }

  /** Each step consumes a prefix of the buffer and returns the rest ("" when all is consumed or held). */
  private String before(String buffer, StringBuilder normal) {
    int at = buffer.indexOf(startTag);
    if (at >= 0) {
      normal.append(buffer, 0, at);
      state = State.REASONING;
      return buffer.substring(at + startTag.length());
    }
    int hold = Markers.partialStart(buffer, 0, startTag);
    normal.append(buffer, 0, hold);
    pending = buffer.substring(hold);
    return "";
  }

  private String reasoning(String buffer, StringBuilder reasoning) {
    if (!reasoningStarted) {
      buffer = buffer.substring(Markers.skipWhitespace(buffer, 0));
      if (buffer.isEmpty()) {
        return "";
      }
      if (mayRepeatStartTag) {
        if (buffer.startsWith(startTag)) {
          mayRepeatStartTag = false;
          return buffer.substring(startTag.length());
        }
        if (startTag.startsWith(buffer)) {
          pending = buffer;
          return "";
        }
        mayRepeatStartTag = false;
      }
    }
    int at = buffer.indexOf(endTag);
    if (at >= 0) {
      reasoning.append(buffer, 0, Markers.trailingWhitespaceStart(buffer, 0, at));
      state = State.AFTER;
      return buffer.substring(at + endTag.length());
    }
    int hold = Markers.trailingWhitespaceStart(buffer, 0, Markers.partialStart(buffer, 0, endTag));
    if (hold > 0) {
      reasoning.append(buffer, 0, hold);
      reasoningStarted = true;
    }
    pending = buffer.substring(hold);
    return "";
  }

  private String after(String buffer, StringBuilder normal) {
    if (!contentStarted) {
      buffer = buffer.substring(Markers.skipWhitespace(buffer, 0));
      contentStarted = !buffer.isEmpty();
    }
    normal.append(buffer);
    return "";
  }

  private static ReasoningDelta delta(StringBuilder reasoning, StringBuilder normal) {
    if (reasoning.isEmpty() && normal.isEmpty()) {
      return ReasoningDelta.EMPTY;
    }
    return new ReasoningDelta(reasoning.toString(), normal.toString());
  }
}
