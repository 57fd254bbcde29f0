package dev.switchboard.sim.http;

import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.SimRole;

/** How a worker's PD role shapes its output: a prefill worker computes the prompt and one token, as in SGLang. */
final class RoleOutput {

  private RoleOutput() {
  }

  static TextSequence.SamplingOptions limit(SimConfig config, TextSequence.SamplingOptions options) {
    if (config.role() != SimRole.PREFILL || options.maxTokens() <= 1) {
      return options;
    }
    return new TextSequence.SamplingOptions(1, options.stops(), options.stopTokenIds(), options.noStopTrim());
  }
}
