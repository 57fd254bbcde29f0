package dev.switchboard.gateway.router.grpc;

import dev.switchboard.gateway.exchange.Endpoint;
import dev.switchboard.text.detok.StopConfig;
import dev.switchboard.protocol.scheduler.GenerateRequest;

/**
 * One request, ready to dispatch: the GenerateRequest (request id and PD fields still to add), the text the policy
 * matches on, and what the response writer needs to turn token streams back into the client's format.
 */
record Plan(
    Endpoint endpoint,
    String model,
    GenerateRequest request,
    String routingText,
    int n,
    boolean stream,
    boolean includeUsage,
    StopConfig stop,
    boolean logprobs,
    int topLogprobs,
    ToolMode tools,
    boolean separateReasoning,
    boolean echoPrompt) {

  int promptTokens() {
    return request.getTokenized().getInputIdsCount();
  }
}
