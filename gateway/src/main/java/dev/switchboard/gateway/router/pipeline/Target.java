package dev.switchboard.gateway.router.pipeline;

import dev.switchboard.gateway.worker.Worker;
import java.util.List;

/** The workers one attempt uses: one worker, or a prefill worker and a decode worker. */
public sealed interface Target {
  List<Worker> workers();

  /** The worker whose answer the client gets. */
  Worker answering();

  record Single(Worker worker) implements Target {
    @Override public List<Worker> workers() { return List.of(worker); }
    @Override public Worker answering() { return worker; }
  }

  record Pair(Worker prefill, Worker decode) implements Target {
    @Override public List<Worker> workers() { return List.of(prefill, decode); }
    @Override public Worker answering() { return decode; }
  }
}
