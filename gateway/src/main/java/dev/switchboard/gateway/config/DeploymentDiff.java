package dev.switchboard.gateway.config;

import dev.switchboard.gateway.worker.WorkerSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What changed between the running deployment and a re-read file: workers to add, remove, update in place
 * (priority, cost, labels, api key, bootstrap port) or replace (a new model, type or connection under the same URL),
 * and the settings that changed but only take effect after a restart.
 *
 * @param needRestart the fields (e.g. {@code gateway.port}) whose new values are not applied live
 */
public record DeploymentDiff(List<WorkerSpec> added, List<WorkerSpec> removed, List<WorkerSpec> updated,
    List<WorkerSpec> replaced, List<String> needRestart) {

  public static DeploymentDiff of(DeploymentConfig running, DeploymentConfig next) {
    Map<String, WorkerSpec> before = byUrl(running.workers());
    Map<String, WorkerSpec> after = byUrl(next.workers());
    List<WorkerSpec> added = new ArrayList<>();
    List<WorkerSpec> updated = new ArrayList<>();
    List<WorkerSpec> replaced = new ArrayList<>();
    List<WorkerSpec> removed = new ArrayList<>();
    for (WorkerSpec w : after.values()) {
      WorkerSpec old = before.get(w.url());
      if (old == null) added.add(w);
      else if (!sameIdentity(old, w)) replaced.add(w);
      else if (!old.equals(w)) updated.add(w);
    }
    for (WorkerSpec w : before.values()) if (!after.containsKey(w.url())) removed.add(w);

    List<String> restart = new ArrayList<>();
    GatewaySettings a = running.gateway();
    GatewaySettings b = next.gateway();
    check(restart, "gateway.host", a.host(), b.host());
    check(restart, "gateway.port", a.port(), b.port());
    check(restart, "gateway.policy", a.policy(), b.policy());
    check(restart, "gateway.timeouts", a.timeouts(), b.timeouts());
    check(restart, "gateway.max_payload_bytes", a.maxPayloadBytes(), b.maxPayloadBytes());
    check(restart, "gateway.api_key", a.apiKey(), b.apiKey());
    check(restart, "gateway.api_keys", a.apiKeys(), b.apiKeys());
    check(restart, "gateway.access_log", a.accessLog(), b.accessLog());
    check(restart, "gateway.health_check", a.health(), b.health());
    check(restart, "gateway.retry", a.retry(), b.retry());
    check(restart, "gateway.circuit_breaker", a.circuitBreaker(), b.circuitBreaker());
    check(restart, "gateway.admission", a.admission(), b.admission());
    check(restart, "gateway.front", a.front(), b.front());
    check(restart, "gateway.admin_api_key", running.fleet().adminApiKey(), next.fleet().adminApiKey());
    check(restart, "gateway.metrics_require_admin_key", running.fleet().metricsRequireAdminKey(), next.fleet().metricsRequireAdminKey());
    check(restart, "models", running.models(), next.models());
    check(restart, "discovery", running.kubernetes(), next.kubernetes());
    return new DeploymentDiff(List.copyOf(added), List.copyOf(removed), List.copyOf(updated), List.copyOf(replaced), List.copyOf(restart));
  }

  public boolean workersChanged() {
    return !added.isEmpty() || !removed.isEmpty() || !updated.isEmpty() || !replaced.isEmpty();
  }

  private static boolean sameIdentity(WorkerSpec a, WorkerSpec b) {
    return a.model().equals(b.model()) && a.type() == b.type() && a.connection() == b.connection();
  }

  private static void check(List<String> out, String field, Object a, Object b) {
    if (!Objects.equals(a, b)) out.add(field);
  }

  private static Map<String, WorkerSpec> byUrl(List<WorkerSpec> workers) {
    Map<String, WorkerSpec> m = new LinkedHashMap<>();
    for (WorkerSpec w : workers) m.put(w.url(), w);
    return m;
  }

  @Override
  public String toString() {
    return added.size() + " added, " + removed.size() + " removed, " + updated.size() + " updated, " + replaced.size()
        + " replaced" + (needRestart.isEmpty() ? "" : "; needs a restart to apply: " + String.join(", ", needRestart));
  }
}
