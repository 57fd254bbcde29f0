package dev.switchboard.sim.engine;

import dev.switchboard.sim.cache.SimTokens;

/** Deterministic embedding vectors. */
public final class SimVectors {

  private SimVectors() {
  }

  /** A unit vector of {@code dim} floats determined by the token sequence. */
  public static float[] embed(int[] tokens, int dim) {
    float[] vector = new float[dim];
    long base = SimTokens.hash(tokens);
    double norm = 0;
    for (int i = 0; i < dim; i++) {
      long h = SimTokens.mix(base + i);
      vector[i] = (float) (((h >>> 11) / (double) (1L << 53)) * 2.0 - 1.0);
      norm += vector[i] * vector[i];
    }
    float scale = (float) (1.0 / Math.sqrt(norm == 0 ? 1 : norm));
    for (int i = 0; i < dim; i++) {
      vector[i] *= scale;
    }
    return vector;
  }
}
