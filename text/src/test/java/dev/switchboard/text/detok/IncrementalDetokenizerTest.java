package dev.switchboard.text.detok;

import static dev.switchboard.text.detok.ByteVocabDecoder.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IncrementalDetokenizerTest {
  // 0..3: the four bytes of U+1F600 (grinning face), 4: "▁Hello" as " Hello", 5: " world", 6: special "<|end|>",
  // 7..9: the three bytes of U+4F60 (你), 10: "!", 11: a lone continuation byte
  private static final byte[] GRIN = utf8("\uD83D\uDE00");
  private static final byte[] NI = utf8("你");
  private static final List<byte[]> VOCAB = List.of(
      new byte[] {GRIN[0]}, new byte[] {GRIN[1]}, new byte[] {GRIN[2]}, new byte[] {GRIN[3]},
      utf8(" Hello"), utf8(" world"), utf8("<|end|>"),
      new byte[] {NI[0]}, new byte[] {NI[1]}, new byte[] {NI[2]}, utf8("!"), new byte[] {(byte) 0x80});

  private final ByteVocabDecoder bytes = new ByteVocabDecoder(VOCAB, Set.of(6), false);
  private final ByteVocabDecoder sentencePiece = new ByteVocabDecoder(VOCAB, Set.of(6), true);

  @Test
  void withholdsAMultiByteCharacterUntilItsLastByteArrives() {
    IncrementalDetokenizer detok = new IncrementalDetokenizer(bytes, true);

    assertThat(List.of(detok.push(10), detok.push(0), detok.push(1), detok.push(2)))
        .containsExactly("!", "", "", "");
    assertThat(detok.push(3)).isEqualTo("\uD83D\uDE00");
    assertThat(detok.push(7)).isEmpty();
    assertThat(detok.push(8)).isEmpty();
    assertThat(detok.push(9)).isEqualTo("你");
  }

  @Test
  void keepsTheSpaceBetweenWordsWhenTheDecoderDropsALeadingSpace() {
    IncrementalDetokenizer detok = new IncrementalDetokenizer(sentencePiece, true);

    assertThat(detok.push(4)).isEqualTo("Hello");
    assertThat(detok.push(5)).isEqualTo(" world");
    assertThat(detok.push(5)).isEqualTo(" world");
    assertThat(detok.flush()).isEmpty();
  }

  @Test
  void skipsSpecialTokensOnlyWhenAsked() {
    IncrementalDetokenizer skipping = new IncrementalDetokenizer(bytes, true);
    IncrementalDetokenizer keeping = new IncrementalDetokenizer(bytes, false);

    assertThat(skipping.push(new int[] {4, 6, 10})).isEqualTo(" Hello!");
    assertThat(keeping.push(new int[] {4, 6, 10})).isEqualTo(" Hello<|end|>!");
  }

  @Test
  void aSkippedSpecialTokenAloneEmitsNothingAndLosesNothing() {
    IncrementalDetokenizer detok = new IncrementalDetokenizer(sentencePiece, true);

    assertThat(detok.push(4)).isEqualTo("Hello");
    assertThat(detok.push(6)).isEmpty();
    assertThat(detok.push(5)).isEqualTo(" world");
  }

  @Test
  void flushEmitsATrailingIncompleteCharacterAsReplacementLikeOneShotDecode() {
    IncrementalDetokenizer detok = new IncrementalDetokenizer(bytes, true);

    assertThat(detok.push(10)).isEqualTo("!");
    assertThat(detok.push(new int[] {0, 1})).isEmpty();
    String rest = detok.flush();

    assertThat("!" + rest).isEqualTo(bytes.decode(new int[] {10, 0, 1}, true)).endsWith("\uFFFD");
    assertThat(detok.flush()).isEmpty();
  }

  @Test
  void anInvalidByteIsEmittedOnceFollowedByValidText() {
    IncrementalDetokenizer detok = new IncrementalDetokenizer(bytes, true);

    assertThat(detok.push(11)).isEmpty();
    assertThat(detok.push(10)).isEqualTo("\uFFFD!");
  }

  @Test
  void longSequencesCompactTheirIdBufferWithoutChangingTheText() {
    IncrementalDetokenizer detok = new IncrementalDetokenizer(sentencePiece, true);
    int[] ids = new int[5_000];
    StringBuilder streamed = new StringBuilder();
    for (int i = 0; i < ids.length; i++) {
      ids[i] = new int[] {4, 5, 0, 1, 2, 3, 7, 8, 9, 10}[i % 10];
      streamed.append(detok.push(ids[i]));
    }
    streamed.append(detok.flush());

    assertThat(streamed.toString()).isEqualTo(sentencePiece.decode(ids, true));
    assertThat(detok.tokenCount()).isEqualTo(ids.length);
  }

  @Test
  void chunkedAndSingleTokenPushesGiveTheSameText() {
    int[] ids = {4, 0, 1, 2, 3, 5, 7, 8, 6, 9, 10, 11, 11, 4};
    List<String> chunked = new ArrayList<>();
    IncrementalDetokenizer detok = new IncrementalDetokenizer(sentencePiece, true);
    chunked.add(detok.push(ids, 0, 3));
    chunked.add(detok.push(ids, 3, 9));
    chunked.add(detok.push(ids, 9, ids.length));
    chunked.add(detok.flush());

    assertThat(String.join("", chunked)).isEqualTo(sentencePiece.decode(ids, true));
  }
}
