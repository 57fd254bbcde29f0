package dev.switchboard.text;

import java.util.List;
import java.util.Map;

/**
 * What a chat pipeline needs from {@code tokenizer_config.json} (and {@code generation_config.json}, if present).
 *
 * @param chatTemplate the default chat template, or {@code null} when the model has none
 * @param namedChatTemplates templates given by name (e.g. {@code tool_use}) when the config holds a list
 * @param bosToken BOS token text, or {@code null}
 * @param eosToken EOS token text, or {@code null}
 * @param padToken padding token text, or {@code null}
 * @param unkToken unknown token text, or {@code null}
 * @param eosTokenIds ids that end generation: the EOS token plus {@code generation_config.json}'s {@code eos_token_id}
 * @param cleanUpTokenizationSpaces whether decoding removes spaces before punctuation as transformers does
 */
public record TokenizerConfig(
    String chatTemplate,
    Map<String, String> namedChatTemplates,
    String bosToken,
    String eosToken,
    String padToken,
    String unkToken,
    List<Integer> eosTokenIds,
    boolean cleanUpTokenizationSpaces) {

  public TokenizerConfig {
    namedChatTemplates = Map.copyOf(namedChatTemplates);
    eosTokenIds = List.copyOf(eosTokenIds);
  }
}
