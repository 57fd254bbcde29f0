package dev.switchboard.gateway.config;

import dev.switchboard.gateway.policy.PolicySpec;
import dev.switchboard.gateway.worker.BreakerSettings;
import java.time.Duration;

/**
 * Per-model overrides from the deployment file's {@code models:} section; {@code null} fields fall back to the
 * gateway's defaults.
 *
 * @param policy the policy of the model's regular pools
 * @param prefillPolicy the policy of its prefill pools (else {@code policy})
 * @param decodePolicy the policy of its decode pools (else {@code policy})
 * @param tokenizer a tokenizer directory or tokenizer.json, for gRPC workers
 * @param timeouts the model's deadlines ({@code models.M.timeouts}, each key over the gateway's), or {@code null}
 * @param retry the model's requests' retry settings
 * @param circuitBreaker the breakers of the model's workers
 * @param admission a concurrency limit of the model's own, on top of the gateway's
 * @param drainTimeout how long the model's requests may run on during a drain
 */
public record ModelSettings(PolicySpec policy, PolicySpec prefillPolicy, PolicySpec decodePolicy, String tokenizer,
    String reasoningParser, String toolParser, Timeouts timeouts, RetrySettings retry, BreakerSettings circuitBreaker,
    AdmissionSettings admission, Duration drainTimeout) {
  public static final ModelSettings NONE = new ModelSettings(null, null, null, null, null, null, null);

  public ModelSettings(PolicySpec policy, PolicySpec prefillPolicy, PolicySpec decodePolicy, String tokenizer,
      String reasoningParser, String toolParser, Timeouts timeouts) {
    this(policy, prefillPolicy, decodePolicy, tokenizer, reasoningParser, toolParser, timeouts, null, null, null, null);
  }

  public ModelSettings withTokenizer(String path) {
    return new ModelSettings(policy, prefillPolicy, decodePolicy, path, reasoningParser, toolParser, timeouts, retry,
        circuitBreaker, admission, drainTimeout);
  }

  /** Only fault-containment overrides (the rest from the gateway), as tests and benchmarks build them. */
  public static ModelSettings containment(RetrySettings retry, BreakerSettings circuitBreaker, AdmissionSettings admission,
      Duration drainTimeout) {
    return new ModelSettings(null, null, null, null, null, null, null, retry, circuitBreaker, admission, drainTimeout);
  }
}
