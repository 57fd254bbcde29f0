package dev.switchboard.gateway.worker;

import java.util.Locale;

/** What a worker does in a fleet: serve whole requests, or one half of a prefill/decode pair. */
public enum WorkerType {
  REGULAR, PREFILL, DECODE;

  /** The name used in deployment files and JSON: {@code regular}, {@code prefill}, {@code decode}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a wire name; returns {@code null} for anything else. */
  public static WorkerType fromWire(String s) {
    for (WorkerType t : values()) {
      if (t.wireName().equals(s)) return t;
    }
    return null;
  }
}
