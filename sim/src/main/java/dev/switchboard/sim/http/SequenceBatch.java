package dev.switchboard.sim.http;

import dev.switchboard.sim.SimRuntime;
import dev.switchboard.sim.engine.Generation;
import dev.switchboard.sim.engine.SimScript;
import java.util.ArrayList;
import java.util.List;

/** Runs prompts × n sequences of one request and tells the endpoint about progress and the end. */
final class SequenceBatch implements TextSequence.Sink {

  /** Endpoint-specific output. All calls on the worker's context. */
  interface Output {
    void delta(TextSequence sequence, String delta, boolean last);

    /** A sequence finished (after its last delta, or without one when aborted or asked for 0 tokens). */
    default void sequenceDone(TextSequence sequence) {
    }

    void allDone(List<TextSequence> sequences);
  }

  private final Exchange exchange;
  private final Output output;
  private final List<TextSequence> sequences = new ArrayList<>();
  private int remaining;

  private SequenceBatch(Exchange exchange, Output output) {
    this.exchange = exchange;
    this.output = output;
  }

  /**
   * Starts prompts.size() × n sequences, sequence index {@code prompt * n + choice}.
   *
   * @param usesCache false for a decode worker, whose KV arrives from the prefill
   */
  static SequenceBatch start(Exchange exchange, List<int[]> prompts, int n, TextSequence.SamplingOptions options,
      boolean stream, boolean usesCache, Output output) {
    SequenceBatch batch = new SequenceBatch(exchange, output);
    SimRuntime runtime = exchange.runtime();
    SimScript script = runtime.controls().script();
    List<String> pieces = script == null || script.text() == null ? null : script.pieces();
    for (int p = 0; p < prompts.size(); p++) {
      for (int c = 0; c < n; c++) {
        batch.sequences.add(new TextSequence(p * n + c, prompts.get(p), c, options, runtime.output(), pieces, batch));
      }
    }
    batch.remaining = batch.sequences.size();
    for (TextSequence sequence : batch.sequences) {
      Generation generation = runtime.engine().submit(sequence.spec(usesCache, stream), sequence);
      exchange.track(generation);
    }
    return batch;
  }

  List<TextSequence> sequences() {
    return sequences;
  }

  @Override
  public void onDelta(TextSequence sequence, String delta, boolean last) {
    if (!exchange.ended()) {
      output.delta(sequence, delta, last);
    }
  }

  @Override
  public void onDone(TextSequence sequence) {
    remaining--;
    if (exchange.ended()) {
      return;
    }
    output.sequenceDone(sequence);
    if (remaining == 0) {
      output.allDone(sequences);
    }
  }
}
