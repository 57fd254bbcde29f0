package dev.switchboard.gateway.worker;

/** Told how every attempt on a worker ended. Called on event loops: must be cheap and must not block. */
@FunctionalInterface
public interface AttemptListener {
  void attemptEnded(AttemptReport report);
}
