package dev.switchboard.gateway.router.pipeline;

/** How one attempt ended, as its transport reports it: the one outcome type of every router. */
public sealed interface Outcome {
  /** The answer reached the client in full; {@code status} is the worker's (a non-retryable error is relayed too). */
  record Completed(int status) implements Outcome {}

  /** Failed before any byte reached the client: the loop may try another target. */
  record FailedBeforeBytes(Failure failure) implements Outcome {}

  /** Failed after bytes reached the client: the client gets an SSE error event and [DONE], or a reset. */
  record FailedAfterBytes(Failure failure) implements Outcome {}
}
