package dev.switchboard.gateway.policy;

import com.fasterxml.jackson.databind.JsonNode;

/** Turns a request into the token ids its worker will compute (and cache): the model's chat template and tokenizer. */
@FunctionalInterface
public interface PromptEncoder {
  /** Never encodes anything. */
  PromptEncoder NONE = (model, path, body) -> null;

  /**
   * @param path the endpoint's path on the worker, e.g. {@code /v1/chat/completions}
   * @return the prompt's ids, or {@code null} when they cannot be known now (no tokenizer, not loaded yet, a batch,
   *     an endpoint without a prompt)
   */
  int[] encode(String model, String path, JsonNode body);
}
