package dev.switchboard.gateway.policy;

import dev.switchboard.gateway.worker.Worker;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Cycles through the available workers; unavailable ones are skipped because the modulus is over candidates. */
public final class RoundRobinPolicy implements Policy {
  private final AtomicLong counter = new AtomicLong();

  @Override public String name() { return "round_robin"; }

  @Override
  public Worker pick(List<Worker> candidates, SelectionContext request) {
    return candidates.get((int) Math.floorMod(counter.getAndIncrement(), (long) candidates.size()));
  }
}
