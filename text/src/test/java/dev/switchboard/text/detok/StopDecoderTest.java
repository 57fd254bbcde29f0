package dev.switchboard.text.detok;

import static dev.switchboard.text.detok.ByteVocabDecoder.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StopDecoderTest {
  // 0 "Hello", 1 " wor", 2 "ld", 3 "<|eos|>" (special), 4 "!", 5 "\n\n", 6 "User", 7 ":", 8/9 halves of "é"
  private static final byte[] E_ACUTE = utf8("é");
  private static final ByteVocabDecoder DECODER = new ByteVocabDecoder(List.of(
      utf8("Hello"), utf8(" wor"), utf8("ld"), utf8("<|eos|>"), utf8("!"), utf8("\n\n"), utf8("User"),
      utf8(":"), new byte[] {E_ACUTE[0]}, new byte[] {E_ACUTE[1]}), Set.of(3), false);

  @Test
  void stopsOnAStopTokenWithoutEmittingIt() {
    StopDecoder decoder = new StopDecoder(DECODER, new StopConfig(List.of(), Set.of(3), true, false));

    String text = decoder.push(0) + decoder.push(1) + decoder.push(2) + decoder.push(3) + decoder.push(4);

    assertThat(text + decoder.finish()).isEqualTo("Hello world");
    assertThat(decoder.matchedStop()).contains(new StopMatch.Token(3));
    assertThat(decoder.matchedStop().orElseThrow().matchedStop()).isEqualTo(3);
  }

  @Test
  void eosIdsStopUnlessIgnoreEos() {
    StopConfig withEos = StopConfig.forRequest(List.of(), Set.of(4), List.of(3), false, true, false);
    StopConfig ignoringEos = StopConfig.forRequest(List.of(), Set.of(4), List.of(3), true, true, false);

    StopDecoder stopsOnEos = new StopDecoder(DECODER, withEos);
    assertThat(stopsOnEos.push(new int[] {0, 3, 1})).isEqualTo("Hello");
    assertThat(stopsOnEos.finishReason()).contains("stop");
    assertThat(stopsOnEos.matchedStop()).contains(new StopMatch.Token(3));

    StopDecoder runsPastEos = new StopDecoder(DECODER, ignoringEos);
    assertThat(runsPastEos.push(new int[] {0, 3, 1, 2, 4, 0})).isEqualTo("Hello world");
    assertThat(runsPastEos.matchedStop()).contains(new StopMatch.Token(4));
  }

  @Test
  void noFinishReasonWithoutAStop() {
    StopDecoder decoder = new StopDecoder(DECODER, StopConfig.none());

    assertThat(decoder.push(new int[] {0, 1, 2}) + decoder.finish()).isEqualTo("Hello world");
    assertThat(decoder.finishReason()).isEmpty();
    assertThat(decoder.matchedStop()).isEmpty();
  }

  @Test
  void noStopTrimAppendsTheStopTokenText() {
    StopDecoder decoder = new StopDecoder(DECODER, new StopConfig(List.of(), Set.of(3), false, true));

    assertThat(decoder.push(new int[] {0, 4, 3, 0})).isEqualTo("Hello!<|eos|>");
    assertThat(decoder.stopped()).isTrue();
  }

  @Test
  void aStopTokenFlushesAnIncompleteCharacterAndJailedText() {
    StopDecoder decoder = new StopDecoder(DECODER, new StopConfig(List.of("Hello there"), Set.of(3), true, false));

    assertThat(decoder.push(new int[] {4, 0})).isEqualTo("!");
    assertThat(decoder.push(8)).isEmpty();
    assertThat(decoder.push(3)).isEqualTo("Hello\uFFFD");
    assertThat(decoder.finish()).isEmpty();
  }

  @Test
  void stopsOnAStringThatSpansTokensAndReportsIt() {
    StopDecoder decoder = new StopDecoder(DECODER, new StopConfig(List.of("\n\nUser:"), Set.of(3), true, false));

    StringBuilder out = new StringBuilder();
    for (int id : new int[] {0, 4, 5, 6, 7, 0, 3}) {
      out.append(decoder.push(id));
    }
    out.append(decoder.finish());

    assertThat(out).hasToString("Hello!");
    assertThat(decoder.matchedStop()).contains(new StopMatch.Text("\n\nUser:"));
  }

  @Test
  void idsAfterAStopTokenInTheSameChunkAreIgnored() {
    StopDecoder decoder = new StopDecoder(DECODER, new StopConfig(List.of(), Set.of(3), true, false));

    assertThat(decoder.push(new int[] {0, 3, 1, 2})).isEqualTo("Hello");
    assertThat(decoder.push(4)).isEmpty();
    assertThat(decoder.finish()).isEmpty();
  }

  @Test
  void finishReleasesAPartialStopAndTheLastCharacter() {
    StopDecoder decoder = new StopDecoder(DECODER, new StopConfig(List.of("!!"), Set.of(), true, false));

    assertThat(decoder.push(new int[] {0, 8, 9, 4})).isEqualTo("Helloé");
    assertThat(decoder.finish()).isEqualTo("!");
    assertThat(decoder.matchedStop()).isEmpty();
    assertThat(decoder.finish()).isEmpty();
  }
}
