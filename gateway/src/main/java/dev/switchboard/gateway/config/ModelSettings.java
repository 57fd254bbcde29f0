package dev.switchboard.gateway.config;

import dev.switchboard.gateway.policy.PolicySpec;

/**
 * Per-model overrides from the deployment file's {@code models:} section; {@code null} fields fall back to the
 * gateway's defaults.
 *
 * @param policy the policy of the model's regular pools
 * @param prefillPolicy the policy of its prefill pools (else {@code policy})
 * @param decodePolicy the policy of its decode pools (else {@code policy})
 * @param tokenizer a tokenizer directory or tokenizer.json, for gRPC workers
 * @param timeouts the model's deadlines ({@code models.M.timeouts}, each key over the gateway's), or {@code null}
 */
public record ModelSettings(PolicySpec policy, PolicySpec prefillPolicy, PolicySpec decodePolicy, String tokenizer,
    String reasoningParser, String toolParser, Timeouts timeouts) {
  public static final ModelSettings NONE = new ModelSettings(null, null, null, null, null, null, null);

  public ModelSettings withTokenizer(String path) {
    return new ModelSettings(policy, prefillPolicy, decodePolicy, path, reasoningParser, toolParser, timeouts);
  }
}
