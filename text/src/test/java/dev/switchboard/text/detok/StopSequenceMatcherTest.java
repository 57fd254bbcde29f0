package dev.switchboard.text.detok;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopSequenceMatcherTest {

  @Test
  void passesTextThroughWithoutStops() {
    StopSequenceMatcher matcher = new StopSequenceMatcher(List.of(), false);

    assertThat(matcher.push("abc")).isEqualTo("abc");
    assertThat(matcher.stopped()).isFalse();
  }

  @Test
  void withholdsAPossibleStopPrefixUntilTheNextTextDecides() {
    StopSequenceMatcher matcher = new StopSequenceMatcher(List.of("<end>"), false);

    assertThat(matcher.push("Hello <e")).isEqualTo("Hello ");
    assertThat(matcher.push("x")).isEqualTo("<ex");
    assertThat(matcher.stopped()).isFalse();
  }

  @Test
  void trimsTheStopAndDropsWhatFollows() {
    StopSequenceMatcher matcher = new StopSequenceMatcher(List.of("<end>"), false);

    assertThat(matcher.push("abc<en")).isEqualTo("abc");
    assertThat(matcher.push("d>tail")).isEmpty();
    assertThat(matcher.matchedStop()).isEqualTo("<end>");
    assertThat(matcher.push("more")).isEmpty();
    assertThat(matcher.flush()).isEmpty();
  }

  @Test
  void keepsTheStopWithNoStopTrim() {
    StopSequenceMatcher matcher = new StopSequenceMatcher(List.of("STOP"), true);

    assertThat(matcher.push("one ST")).isEqualTo("one ");
    assertThat(matcher.push("OP two")).isEqualTo("STOP");
  }

  @Test
  void flushReleasesAnUndecidedPrefix() {
    StopSequenceMatcher matcher = new StopSequenceMatcher(List.of("###"), false);

    assertThat(matcher.push("x##")).isEqualTo("x");
    assertThat(matcher.flush()).isEqualTo("##");
    assertThat(matcher.stopped()).isFalse();
  }

  @Test
  void theStopThatEndsFirstWinsWhateverTheListOrder() {
    StopSequenceMatcher matcher = new StopSequenceMatcher(List.of("long stop", "stop"), false);

    assertThat(matcher.push("a stop and a long stop")).isEqualTo("a ");
    assertThat(matcher.matchedStop()).isEqualTo("stop");
  }

  @Test
  void holdsTheLongestSuffixThatCouldStartAnyStop() {
    StopSequenceMatcher matcher = new StopSequenceMatcher(List.of("abcd", "cx"), false);

    assertThat(matcher.push("zzabc")).isEqualTo("zz");
    assertThat(matcher.push("y")).isEqualTo("abcy");
  }

  @Test
  void resultDoesNotDependOnWhereTheTextIsSplit() {
    List<String> stops = List.of("</s>", "\n\nUser:", "ab", "aab");
    List<String> texts = List.of(
        "Answer: 42\n\nUser: next", "no stop here < / s", "xaab tail", "</s", "a\n\nUse", "plain </s> text");
    for (boolean noTrim : new boolean[] {false, true}) {
      for (String text : texts) {
        Outcome whole = run(stops, noTrim, List.of(text));
        for (int i = 0; i <= text.length(); i++) {
          assertThat(run(stops, noTrim, List.of(text.substring(0, i), text.substring(i))))
              .as("%s split at %d", text, i).isEqualTo(whole);
          for (int j = i; j <= text.length(); j++) {
            List<String> parts = List.of(text.substring(0, i), text.substring(i, j), text.substring(j));
            assertThat(run(stops, noTrim, parts)).as("%s split at %d,%d", text, i, j).isEqualTo(whole);
          }
        }
      }
    }
    assertThat(run(stops, false, List.of("Answer: 42\n\nUser: next")))
        .isEqualTo(new Outcome("Answer: 42", "\n\nUser:"));
    assertThat(run(stops, true, List.of("xaab tail"))).isEqualTo(new Outcome("xaab", "aab"));
    assertThat(run(stops, false, List.of("</s"))).isEqualTo(new Outcome("</s", null));
  }

  private record Outcome(String text, String stop) {
  }

  private static Outcome run(List<String> stops, boolean noTrim, List<String> parts) {
    StopSequenceMatcher matcher = new StopSequenceMatcher(stops, noTrim);
    StringBuilder out = new StringBuilder();
    parts.forEach(p -> out.append(matcher.push(p)));
    out.append(matcher.flush());
    return new Outcome(out.toString(), matcher.matchedStop());
  }
}
