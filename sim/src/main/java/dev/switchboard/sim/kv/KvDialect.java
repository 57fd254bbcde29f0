package dev.switchboard.sim.kv;

import java.util.Locale;

/**
 * Which engine's KV-event payload a simulated worker speaks. Both use the multipart {@code [topic, seq, payload]}
 * frame and the same event tags; they differ in the details a subscriber must tolerate:
 * <ul>
 *   <li>{@code vllm}: block hashes are byte strings (vLLM's default external hashes), every event carries its
 *       storage medium ({@code "GPU"}), the batch carries its data-parallel rank, one event may hold many blocks;</li>
 *   <li>{@code sglang}: block hashes are signed 64-bit integers, the medium and the rank are left out (msgspec's
 *       {@code omit_defaults}), one event per block (page).</li>
 * </ul>
 */
public enum KvDialect {
  VLLM, SGLANG;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static KvDialect fromWire(String s) {
    for (KvDialect d : values()) {
      if (d.wireName().equals(s)) {
        return d;
      }
    }
    throw new IllegalArgumentException("unknown KV-event dialect '" + s + "' (expected vllm or sglang)");
  }
}
