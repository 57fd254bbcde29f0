package dev.switchboard.sim.engine;

import dev.switchboard.sim.cache.KvCache;

/** One running or waiting sequence; all fields are confined to the engine's context. */
public final class Generation {

  final GenerationSpec spec;
  final GenerationListener listener;
  int[] output;
  int produced;
  boolean admitted;
  boolean prefillPending;
  boolean held;
  boolean done;
  int cachedTokens;
  KvCache.Lease lease;

  Generation(GenerationSpec spec, GenerationListener listener) {
    this.spec = spec;
    this.listener = listener;
    this.output = new int[Math.min(Math.max(0, spec.maxTokens()), 64)];
  }

  void append(int tokenId) {
    if (produced == output.length) {
      output = java.util.Arrays.copyOf(output, Math.max(8, produced * 2));
    }
    output[produced++] = tokenId;
  }

  int[] sequence() {
    int[] all = new int[spec.prompt().length + produced];
    System.arraycopy(spec.prompt(), 0, all, 0, spec.prompt().length);
    System.arraycopy(output, 0, all, spec.prompt().length, produced);
    return all;
  }
}
