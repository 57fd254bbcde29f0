package dev.switchboard.text.detok;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Property with the real Qwen3 tokenizer: streaming through {@link StopDecoder} gives what a simple reference gives on
 * the whole output (cut the ids at the first stop token, decode once, cut the text where the first stop string ends).
 */
class StopDecoderQwen3PropertyTest {
  private static final List<String> TEXTS = List.of(
      "The answer is 42.\n\nUser: what else?\n\nAssistant: 你好 \uD83D\uDE00 done.",
      "<think>\nreasoning 数学\n</think>\n\nFinal: ünïcödé ✓ END of text END",
      "def f():\n    return 1\n```\nmore ``` text\n\n\n");

  private final TokenDecoder decoder = Qwen3Fixture.decoder();

  @Test
  void streamingEqualsTheWholeTextReference() {
    SplittableRandom random = new SplittableRandom(42);
    for (int round = 0; round < 150; round++) {
      String text = TEXTS.get(random.nextInt(TEXTS.size()));
      int[] ids = withRandomStopTokens(Qwen3Fixture.encode(text), random);
      String full = decoder.decode(ids, true);
      List<String> stops = randomStops(full, random);
      boolean noTrim = random.nextBoolean();
      StopConfig config = new StopConfig(stops, Set.of(Qwen3Fixture.IM_END), true, noTrim);

      Result expected = reference(ids, config);
      Result actual = stream(ids, config, random);

      assertThat(actual).as("stops %s noTrim %s text %s", stops, noTrim, full).isEqualTo(expected);
    }
  }

  private record Result(String text, Optional<StopMatch> stop) {
  }

  private Result stream(int[] ids, StopConfig config, SplittableRandom random) {
    StopDecoder stopDecoder = new StopDecoder(decoder, config);
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (at < ids.length) {
      int end = Math.min(ids.length, at + 1 + random.nextInt(4));
      out.append(end == at + 1 ? stopDecoder.push(ids[at]) : stopDecoder.push(java.util.Arrays.copyOfRange(ids, at, end)));
      at = end;
    }
    out.append(stopDecoder.finish());
    return new Result(out.toString(), stopDecoder.matchedStop());
  }

  private Result reference(int[] ids, StopConfig config) {
    int stopTokenAt = ids.length;
    for (int i = 0; i < ids.length; i++) {
      if (config.stopTokenIds().contains(ids[i])) {
        stopTokenAt = i;
        break;
      }
    }
    String text = decoder.decode(java.util.Arrays.copyOf(ids, stopTokenAt), true);
    int bestEnd = Integer.MAX_VALUE;
    String best = null;
    for (String stop : config.stopStrings()) {
      int at = text.indexOf(stop);
      if (at >= 0 && (at + stop.length() < bestEnd
          || (at + stop.length() == bestEnd && stop.length() > best.length()))) {
        bestEnd = at + stop.length();
        best = stop;
      }
    }
    if (best != null) {
      String kept = text.substring(0, config.noStopTrim() ? bestEnd : bestEnd - best.length());
      return new Result(kept, Optional.of(new StopMatch.Text(best)));
    }
    if (stopTokenAt < ids.length) {
      return new Result(text, Optional.of(new StopMatch.Token(ids[stopTokenAt])));
    }
    return new Result(text, Optional.empty());
  }

  private static int[] withRandomStopTokens(int[] ids, SplittableRandom random) {
    if (random.nextInt(3) != 0) {
      return ids;
    }
    int[] out = java.util.Arrays.copyOf(ids, ids.length + 1);
    int at = random.nextInt(out.length);
    System.arraycopy(ids, at, out, at + 1, ids.length - at);
    out[at] = Qwen3Fixture.IM_END;
    return out;
  }

  /** Substrings of the text (so they can match) and a few strings that never occur. */
  private static List<String> randomStops(String full, SplittableRandom random) {
    List<String> stops = new ArrayList<>();
    int count = random.nextInt(4);
    for (int i = 0; i < count; i++) {
      if (random.nextInt(4) == 0 || full.length() < 2) {
        stops.add("<never " + i + ">");
      } else {
        int start = random.nextInt(full.length() - 1);
        int end = Math.min(full.length(), start + 1 + random.nextInt(6));
        if (Character.isLowSurrogate(full.charAt(start)) || Character.isHighSurrogate(full.charAt(end - 1))) {
          continue;
        }
        stops.add(full.substring(start, end));
      }
    }
    return stops;
  }
}
