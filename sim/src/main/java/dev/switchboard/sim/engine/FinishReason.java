package dev.switchboard.sim.engine;

/** Why a generation ended. */
public enum FinishReason {
  /** Reached its token budget. */
  LENGTH,
  /** The output matched a stop condition (the listener said so, or an EOS was emitted). */
  STOP,
  /** Cancelled: client went away or an abort arrived. */
  ABORT
}
