package dev.switchboard.gateway.worker;

import java.util.concurrent.CompletionStage;

/** Asks one worker whether it can serve; completes with {@code false} on any failure, never exceptionally. */
@FunctionalInterface
public interface HealthProbe {
  CompletionStage<Boolean> check(Worker worker);
}
