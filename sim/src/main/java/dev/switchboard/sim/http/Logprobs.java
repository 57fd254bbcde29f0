package dev.switchboard.sim.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.sim.cache.SimTokens;

/** Deterministic fake log-probabilities in SGLang's {@code [logprob, token_id, text]} triple format. */
final class Logprobs {

  private Logprobs() {
  }

  static double of(int tokenId, int position) {
    long h = SimTokens.mix(tokenId * 0x9E3779B97F4A7C15L + position);
    return -Math.round(((h >>> 11) / (double) (1L << 53)) * 5_000.0) / 1_000.0;
  }

  /** Input token logprobs: the first token has none (null), as in SGLang. */
  static ArrayNode input(int[] tokens) {
    ArrayNode list = Json.array();
    for (int i = 0; i < tokens.length; i++) {
      ArrayNode triple = list.addArray();
      if (i == 0) {
        triple.addNull();
      } else {
        triple.add(of(tokens[i], i));
      }
      triple.add(tokens[i]);
      triple.addNull();
    }
    return list;
  }

  /** What a decode worker reports as input logprobs: only the last prompt token (the prefill has the rest). */
  static ArrayNode inputTail(int[] tokens) {
    ArrayNode list = Json.array();
    if (tokens.length > 0) {
      int last = tokens.length - 1;
      list.addArray().add(of(tokens[last], last)).add(tokens[last]).addNull();
    }
    return list;
  }

  static ArrayNode output(int[] tokens, int promptLength) {
    ArrayNode list = Json.array();
    for (int i = 0; i < tokens.length; i++) {
      list.addArray().add(of(tokens[i], promptLength + i)).add(tokens[i]).addNull();
    }
    return list;
  }

  /** OpenAI chat logprobs entries for output tokens {@code from} (inclusive) to {@code to} (exclusive). */
  static ArrayNode chatContent(TextSequence sequence, int from, int to, int top) {
    ArrayNode content = Json.array();
    int[] ids = sequence.outputIds();
    for (int i = from; i < to; i++) {
      String token = sequence.tokenTexts().get(i);
      double logprob = of(ids[i], sequence.promptTokens() + i);
      ObjectNode entry = content.addObject();
      entry.put("token", token);
      entry.put("logprob", logprob);
      entry.set("bytes", bytes(token));
      ArrayNode alternatives = entry.putArray("top_logprobs");
      for (int k = 0; k < top; k++) {
        String alternative = k == 0 ? token : " " + ALTERNATIVES[(k + i) % ALTERNATIVES.length];
        alternatives.addObject().put("token", alternative).put("logprob", logprob - k * 0.5)
            .set("bytes", bytes(alternative));
      }
    }
    return content;
  }

  /** Legacy completions logprobs: tokens, token_logprobs, top_logprobs (when asked), text_offset. */
  static ObjectNode completion(TextSequence sequence, int from, int to, int top, int textOffset) {
    ObjectNode logprobs = Json.object();
    ArrayNode tokens = logprobs.putArray("tokens");
    ArrayNode values = logprobs.putArray("token_logprobs");
    ArrayNode tops = logprobs.putArray("top_logprobs");
    ArrayNode offsets = logprobs.putArray("text_offset");
    int[] ids = sequence.outputIds();
    int offset = textOffset;
    for (int i = from; i < to; i++) {
      String token = sequence.tokenTexts().get(i);
      double logprob = of(ids[i], sequence.promptTokens() + i);
      tokens.add(token);
      values.add(logprob);
      ObjectNode alternatives = tops.addObject();
      for (int k = 0; k < top; k++) {
        alternatives.put(k == 0 ? token : " " + ALTERNATIVES[(k + i) % ALTERNATIVES.length], logprob - k * 0.5);
      }
      offsets.add(offset);
      offset += token.length();
    }
    return logprobs;
  }

  private static final String[] ALTERNATIVES = {"maybe", "perhaps", "also", "then", "still", "quite", "rather"};

  private static ArrayNode bytes(String token) {
    ArrayNode bytes = Json.array();
    for (byte b : token.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      bytes.add(b & 0xff);
    }
    return bytes;
  }
}
