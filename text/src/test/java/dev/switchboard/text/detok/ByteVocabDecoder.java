package dev.switchboard.text.detok;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * A toy byte-level vocabulary (like GPT-2/Qwen BPE): each id stands for a byte sequence, decode joins the bytes and
 * decodes them as UTF-8 with U+FFFD for broken sequences. Optionally drops one leading space of the whole result,
 * the way SentencePiece/Metaspace decoders do, to check that deltas keep the spaces between words.
 */
final class ByteVocabDecoder implements TokenDecoder {
  private final List<byte[]> vocab;
  private final Set<Integer> specialIds;
  private final boolean stripLeadingSpace;

  ByteVocabDecoder(List<byte[]> vocab, Set<Integer> specialIds, boolean stripLeadingSpace) {
    this.vocab = vocab;
    this.specialIds = specialIds;
    this.stripLeadingSpace = stripLeadingSpace;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String decode(int[] ids, boolean skipSpecialTokens) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int id : ids) {
      if (!(skipSpecialTokens && specialIds.contains(id))) {
        bytes.writeBytes(vocab.get(id));
      }
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    return stripLeadingSpace && text.startsWith(" ") ? text.substring(1) : text;
  }
}
