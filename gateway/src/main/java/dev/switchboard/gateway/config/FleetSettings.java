package dev.switchboard.gateway.config;

import java.time.Duration;

/**
 * The {@code gateway:} keys that govern the fleet's management surface: the admin key, who may be added at
 * runtime, what readiness means and how long a removal may drain.
 *
 * @param adminApiKey required ({@code Authorization: Bearer}) on the worker API and the status routes that show
 *     worker URLs; {@code null} = those routes behave as before (mutations then need {@code gateway.api_key}, if set)
 * @param metricsRequireAdminKey whether {@code /metrics} needs the admin key too (when one is set)
 * @param workerAllowlist hosts that workers added through the API may have
 * @param readiness {@code any}: ready when at least one model is routable; {@code all}: when every served model is
 * @param drainTimeout the longest a removed worker's in-flight requests are waited for
 */
public record FleetSettings(String adminApiKey, boolean metricsRequireAdminKey, WorkerAllowlist workerAllowlist,
    Readiness readiness, Duration drainTimeout) {

  public enum Readiness {
    ANY, ALL;

    public String wireName() { return name().toLowerCase(java.util.Locale.ROOT); }
  }

  public static final FleetSettings DEFAULTS = new FleetSettings(null, true, WorkerAllowlist.ANY, Readiness.ANY,
      Duration.ofSeconds(300));

  public FleetSettings withAdminApiKey(String k) {
    return new FleetSettings(k, metricsRequireAdminKey, workerAllowlist, readiness, drainTimeout);
  }

  /** {@code adminApiKey} is a secret: keep it out of logs. */
  @Override
  public String toString() {
    return "FleetSettings[admin key " + (adminApiKey == null ? "unset" : "set") + ", allowlist " + workerAllowlist
        + ", readiness " + readiness.wireName() + ", drain " + drainTimeout.toSeconds() + "s]";
  }
}
