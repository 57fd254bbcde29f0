package dev.switchboard.text.detok;

import java.util.List;

/**
 * Finds stop strings in streamed text. Text that could still become the start of a stop string is held back
 * ("jailed") until the following text decides it. Once a stop matches, the text before it (plus the stop itself when
 * {@code noStopTrim}) is released and everything after it is discarded.
 *
 * <p>The match reported is the one that ends first in the text (ties: the longer one), so the outcome does not depend
 * on how the text was split into deltas. The held text is shorter than the longest stop string, so each call costs
 * O((held + delta) x stops x longest stop) and never rescans earlier output.
 */
public final class StopSequenceMatcher {
  private final List<String> stops;
  private final int longestStop;
  private final boolean noStopTrim;
  private String held = "";
  private String matched;

  public StopSequenceMatcher(List<String> stops, boolean noStopTrim) {
    this.stops = stops.stream().filter(s -> !s.isEmpty()).distinct().toList();
    this.longestStop = this.stops.stream().mapToInt(String::length).max().orElse(0);
    this.noStopTrim = noStopTrim;
  }

  /** Adds text; returns the part that is now certain to be output (possibly empty). */
  public String push(String text) {
    if (matched != null || text.isEmpty()) {
      return "";
    }
    if (stops.isEmpty()) {
      return text;
    }
    String buffer = held.concat(text);
    int matchEnd = Integer.MAX_VALUE;
    String match = null;
    for (String stop : stops) {
      int at = buffer.indexOf(stop);
      if (at < 0) {
        continue;
      }
      int end = at + stop.length();
      if (end < matchEnd || (end == matchEnd && stop.length() > match.length())) {
        matchEnd = end;
        match = stop;
      }
    }
    if (match != null) {
      matched = match;
      held = "";
      return buffer.substring(0, noStopTrim ? matchEnd : matchEnd - match.length());
    }
    int keepFrom = startOfPossibleStop(buffer);
    held = buffer.substring(keepFrom);
    return buffer.substring(0, keepFrom);
  }

  /** Releases held text at the end of the sequence (a partial stop is not a stop). */
  public String flush() {
    String rest = held;
    held = "";
    return rest;
  }

  public boolean stopped() {
    return matched != null;
  }

  /** The stop string that matched, or null. */
  public String matchedStop() {
    return matched;
  }

  /** Index of the longest suffix of {@code buffer} that is a proper prefix of a stop string (length if none). */
  private int startOfPossibleStop(String buffer) {
    int length = buffer.length();
    for (int from = Math.max(0, length - longestStop + 1); from < length; from++) {
      int suffixLength = length - from;
      for (String stop : stops) {
        if (stop.length() > suffixLength && stop.regionMatches(0, buffer, from, suffixLength)) {
          return from;
        }
      }
    }
    return length;
  }
}
