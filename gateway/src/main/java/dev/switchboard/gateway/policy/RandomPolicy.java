package dev.switchboard.gateway.policy;

import dev.switchboard.gateway.worker.Worker;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Uniformly random among the available workers. */
public final class RandomPolicy implements Policy {
  @Override public String name() { return "random"; }

  @Override
  public Worker pick(List<Worker> candidates, SelectionContext request) {
    return candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
  }
}
