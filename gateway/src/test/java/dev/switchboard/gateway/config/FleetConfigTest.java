package dev.switchboard.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fleet-management keys: admin key sources, allow-list, readiness, drain bound, discovery.kubernetes. */
class FleetConfigTest {
  @TempDir Path dir;

  private DeploymentConfig parse(String yaml, Map<String, String> env) {
    return ConfigLoader.parse(yaml, "deploy.yaml", new Secrets(env::get, dir));
  }

  private void assertError(String yaml, String... fragments) {
    assertThatThrownBy(() -> parse(yaml, Map.of()))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> {
          assertThat(e.getMessage()).doesNotContain("\n");
          for (String f : fragments) assertThat(e.getMessage()).contains(f);
        });
  }

  @Test
  void defaultsWhenAbsent() {
    FleetSettings f = parse("workers: []", Map.of()).fleet();
    assertThat(f).isEqualTo(FleetSettings.DEFAULTS);
    assertThat(f.readiness()).isEqualTo(FleetSettings.Readiness.ANY);
    assertThat(parse("workers: []", Map.of()).kubernetes()).isNull();
  }

  @Test
  void keysComeFromTheValueAnEnvironmentVariableOrAFile() throws Exception {
    Files.writeString(dir.resolve("admin.key"), "from-file-key\n");
    assertThat(parse("gateway: {admin_api_key: plain-key}", Map.of()).fleet().adminApiKey()).isEqualTo("plain-key");
    assertThat(parse("gateway: {admin_api_key: '${ADMIN_KEY}'}", Map.of("ADMIN_KEY", "env-key")).fleet().adminApiKey()).isEqualTo("env-key");
    assertThat(parse("gateway: {admin_api_key: {key_file: admin.key}}", Map.of()).fleet().adminApiKey()).isEqualTo("from-file-key");
    assertThat(parse("gateway: {api_key: '${CLIENT}'}", Map.of("CLIENT", "c-key")).gateway().apiKey()).isEqualTo("c-key");
    assertThat(parse("workers: [{url: 'http://a:1', model: m, api_key: {key_file: admin.key}}]", Map.of()).workers().getFirst().apiKey())
        .isEqualTo("from-file-key");
  }

  @Test
  void keyProblemsNameTheFieldAndNeverTheKey() {
    assertError("gateway: {admin_api_key: '${NOT_SET_ANYWHERE}'}", "line 1", "gateway.admin_api_key", "NOT_SET_ANYWHERE is not set");
    assertError("gateway: {admin_api_key: {key_file: missing.key}}", "gateway.admin_api_key.key_file", "does not exist");
    assertError("gateway: {admin_api_key: {key: a, key_file: b}}", "gateway.admin_api_key", "exactly one of key or key_file");
    assertError("gateway: {admin_api_key: 'pre-${X}'}", "gateway.admin_api_key", "whole value");
    assertThatThrownBy(() -> parse("gateway: {admin_api_key: 'has space-secret'}", Map.of()))
        .hasMessageContaining("gateway.admin_api_key").hasMessageNotContaining("has space-secret");
  }

  @Test
  void allowListReadinessAndDrain() {
    FleetSettings f = parse("""
        gateway:
          worker_allowlist: [127.0.0.1/32, 10.0.0.0/8, "*.svc.cluster.local", "::1/128", worker-1]
          readiness: all
          drain_timeout_secs: 30
          metrics_require_admin_key: false
        """, Map.of()).fleet();
    assertThat(f.readiness()).isEqualTo(FleetSettings.Readiness.ALL);
    assertThat(f.drainTimeout().toSeconds()).isEqualTo(30);
    assertThat(f.metricsRequireAdminKey()).isFalse();
    WorkerAllowlist a = f.workerAllowlist();
    assertThat(a.admits("127.0.0.1")).isTrue();
    assertThat(a.admits("127.0.0.2")).isFalse();
    assertThat(a.admits("10.200.3.4")).isTrue();
    assertThat(a.admits("11.0.0.1")).isFalse();
    assertThat(a.admits("sglang-0.llm.svc.cluster.local")).isTrue();
    assertThat(a.admits("svc.cluster.local.evil.com")).isFalse();
    assertThat(a.admits("[::1]")).isTrue();
    assertThat(a.admits("worker-1")).isTrue();
    assertThat(a.admits("worker-2")).isFalse();
    assertThat(WorkerAllowlist.ANY.admits("anything")).isTrue();
    assertError("gateway: {worker_allowlist: [10.0.0.0/33]}", "gateway.worker_allowlist", "prefix length");
    assertError("gateway: {worker_allowlist: ['bad host!']}", "gateway.worker_allowlist", "'bad host!'");
    assertError("gateway: {readiness: some}", "gateway.readiness", "expected any or all");
  }

  @Test
  void kubernetesDiscovery() {
    KubernetesDiscoverySettings k = parse("""
        discovery:
          kubernetes:
            namespace: llm
            selector: {app: sglang}
            prefill_selector: {app: sglang, role: prefill}
            decode_selector: {app: sglang, role: decode}
            port: 8000
            model_label: model
            bootstrap_port_annotation: sglang.ai/bootstrap-port
            connection_annotation: switchboard/connection
        """, Map.of()).kubernetes();
    assertThat(k.namespaces()).containsExactly("llm");
    assertThat(k.selector()).containsEntry("app", "sglang");
    assertThat(k.prefillSelector()).containsEntry("role", "prefill");
    assertThat(k.port()).isEqualTo(8000);
    assertThat(k.modelLabel()).isEqualTo("model");
    assertThat(parse("discovery: {kubernetes: {namespaces: [a, b], selector: {app: x}}}", Map.of()).kubernetes().namespaces())
        .isEqualTo(List.of("a", "b"));
    assertError("discovery: {kubernetes: {namespace: llm}}", "discovery.kubernetes.selector", "is required");
    assertError("discovery: {kubernetes: {selector: {a: b}, prefill_selector: {r: p}}}", "discovery.kubernetes.decode_selector");
    assertError("discovery: {kubernetes: {selector: {a: b}, namespace: x, namespaces: [y]}}", "discovery.kubernetes.namespaces", "not both");
    assertError("discovery: {kubernetes: {selector: {a: b}, prot: 1}}", "discovery.kubernetes.prot", "unknown field");
  }

  @Test
  void aWorkerFromJsonIsValidatedLikeOneFromTheFile() {
    assertThat(ConfigLoader.parseWorker("{\"url\":\"http://a:1\",\"model\":\"m\",\"priority\":7}", "body").priority()).isEqualTo(7);
    assertThatThrownBy(() -> ConfigLoader.parseWorker("{\"url\":\"http://a:1\",\"model\":\"m\",\"type\":\"x\"}", "body"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.field()).isEqualTo("worker.type"));
  }
}
