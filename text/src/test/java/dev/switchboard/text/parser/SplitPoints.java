package dev.switchboard.text.parser;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Every way to cut a text into 2 pieces and into 3 pieces (pieces may be empty). */
final class SplitPoints {
  private SplitPoints() {
  }

  static void forEachSplit(String text, Consumer<List<String>> check) {
    for (int i = 0; i <= text.length(); i++) {
      check.accept(List.of(text.substring(0, i), text.substring(i)));
    }
    for (int i = 0; i <= text.length(); i++) {
      for (int j = i; j <= text.length(); j++) {
        check.accept(List.of(text.substring(0, i), text.substring(i, j), text.substring(j)));
      }
    }
  }

  /** The text cut into single characters (the finest split). */
  static List<String> chars(String text) {
    List<String> out = new ArrayList<>();
    text.chars().forEach(c -> out.add(String.valueOf((char) c)));
    return out;
  }
}
