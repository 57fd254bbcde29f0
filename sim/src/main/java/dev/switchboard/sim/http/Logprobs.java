package dev.switchboard.sim.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
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
}
