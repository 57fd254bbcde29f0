package dev.switchboard.gateway.router.grpc;

import dev.switchboard.text.Tokenizer;
import dev.switchboard.text.chat.ChatPrompt;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the gRPC routers need to turn text into tokens and back for one model, loaded once and shared.
 *
 * @param prompts the chat-template renderer, or {@code null} when the tokenizer has no chat template
 * @param eosTokenIds ids that end generation unless the request sets {@code ignore_eos}
 * @param reasoningParser a configured reasoning parser, else auto-selection by model name
 * @param toolParser a configured tool parser, else auto-selection by model name
 */
public record ModelText(String model, Tokenizer tokenizer, ChatPrompt prompts, Set<Integer> eosTokenIds,
    Optional<String> reasoningParser, Optional<String> toolParser) {

  public ModelText {
    eosTokenIds = Set.copyOf(eosTokenIds);
  }
}
