package dev.switchboard.sim;

/** What a simulated worker plays in a deployment, as SGLang's `--disaggregation-mode`. */
public enum SimRole {
  /** Does prefill and decode itself. */
  REGULAR,
  /** Prefill half of a PD pair: runs a bootstrap endpoint and records the rooms it has seen. */
  PREFILL,
  /** Decode half of a PD pair: produces tokens only after the named prefill has seen the same room. */
  DECODE;

  public static SimRole parse(String text) {
    return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "regular" -> REGULAR;
      case "prefill" -> PREFILL;
      case "decode" -> DECODE;
      default -> throw new IllegalArgumentException("unknown worker type '" + text + "' (regular|prefill|decode)");
    };
  }
}
