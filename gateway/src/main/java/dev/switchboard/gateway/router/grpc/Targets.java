package dev.switchboard.gateway.router.grpc;

import dev.switchboard.gateway.exchange.OpenAiError;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.protocol.scheduler.GenerateRequest;

/** The workers one attempt uses: the one whose stream the client gets, and in PD the prefill worker beside it. */
sealed interface Targets {
  record Chosen(Worker output, Worker prefill, GenerateRequest request) implements Targets {}

  /** No worker (pair) is available. */
  record NoneAvailable(OpenAiError error) implements Targets {}
}
