package dev.switchboard.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.WorkerSpec;
import dev.switchboard.gateway.worker.WorkerType;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

  private static DeploymentConfig parse(String yaml) {
    return ConfigLoader.parse(yaml, "deploy.yaml");
  }

  private static void assertError(String yaml, String... fragments) {
    assertThatThrownBy(() -> parse(yaml))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> {
          assertThat(e.getMessage()).doesNotContain("\n");
          for (String f : fragments) assertThat(e.getMessage()).contains(f);
        });
  }

  @Test
  void timeoutsHaveDefaultsGatewayValuesAndPerModelOverrides() {
    DeploymentConfig c = parse("""
        gateway:
          timeouts: {connect_secs: 3, idle_secs: 20}
        models:
          m: {timeouts: {first_byte_secs: 30, total_secs: 90}}
        workers:
          - url: http://a:8000
            model: m
        """);
    Timeouts g = c.gateway().timeouts();
    assertThat(g.connect()).hasSeconds(3);
    assertThat(g.idle()).hasSeconds(20);
    assertThat(g.firstByte()).isEqualTo(Timeouts.DEFAULTS.firstByte());
    Timeouts m = c.model("m").timeouts();
    assertThat(m.connect()).hasSeconds(3);
    assertThat(m.firstByte()).hasSeconds(30);
    assertThat(m.total()).hasSeconds(90);
    assertThat(parse("gateway: {request_timeout_secs: 45}\nworkers: []").gateway().timeouts().idle()).hasSeconds(45);
    assertError("gateway: {timeouts: {idle_secs: -1}}\nworkers: []", "gateway.timeouts.idle_secs");
    assertError("gateway: {timeouts: {first_bite_secs: 1}}\nworkers: []", "first_bite_secs");
  }

  @Test
  void readsWorkersWithAllFieldsAndDefaults() {
    DeploymentConfig c = parse("""
        gateway:
          port: 31000
          policy: random
        workers:
          - url: http://a:8000
            model: m
          - url: http://p:8000
            model: m
            type: prefill
            bootstrap_port: 9001
            priority: 70
            cost: 2.5
            api_key: secret
            labels: {zone: a}
          - url: http://d:8000
            model: m
            type: decode
          - url: grpc://g:50051
            model: n
        """);
    assertThat(c.gateway().port()).isEqualTo(31000);
    assertThat(c.gateway().policy().name()).isEqualTo("random");
    WorkerSpec a = c.workers().get(0);
    assertThat(a.type()).isEqualTo(WorkerType.REGULAR);
    assertThat(a.connection()).isEqualTo(ConnectionMode.HTTP);
    assertThat(a.priority()).isEqualTo(WorkerSpec.DEFAULT_PRIORITY);
    WorkerSpec p = c.workers().get(1);
    assertThat(p.bootstrapPort()).isEqualTo(9001);
    assertThat(p.priority()).isEqualTo(70);
    assertThat(p.cost()).isEqualTo(2.5);
    assertThat(p.apiKey()).isEqualTo("secret");
    assertThat(p.labels()).containsEntry("zone", "a");
    assertThat(c.workers().get(3).connection()).isEqualTo(ConnectionMode.GRPC);
  }

  @Test
  void unknownWorkerTypeNamesFieldAndLine() {
    assertError("""
        workers:
          - url: http://a:8000
            model: m
            type: prefil
        """, "deploy.yaml line 4", "workers[0].type", "unknown worker type 'prefil'");
  }

  @Test
  void schemeContradictingConnectionIsRefused() {
    assertError("""
        workers:
          - url: grpc://a:50051
            model: m
            connection: http
        """, "line 4", "workers[0].connection", "contradicts the url scheme 'grpc://'");
  }

  @Test
  void duplicateUrlNamesBothPlaces() {
    assertError("""
        workers:
          - url: http://a:8000
            model: m
          - url: http://a:8000
            model: n
        """, "line 4", "workers[1].url", "duplicate url 'http://a:8000'", "workers[0] on line 2");
  }

  @Test
  void prefillWithoutDecodeIsRefused() {
    assertError("""
        workers:
          - url: http://p:8000
            model: m
            type: prefill
          - url: http://d:8000
            model: other
            type: decode
        """, "workers[0].type", "model 'm' has prefill workers over http but no decode worker");
  }

  @Test
  void missingFileIsOneLine() {
    assertThatThrownBy(() -> ConfigLoader.load(Path.of("/nonexistent/deploy.yaml")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config file not found: /nonexistent/deploy.yaml");
  }

  @Test
  void unknownFieldsAndPoliciesAreRefused() {
    assertError("""
        workers:
          - url: http://a:8000
            model: m
            modle: x
        """, "line 4", "workers[0].modle", "unknown field");
    assertError("""
        gateway:
          policy: fastest
        """, "line 2", "gateway.policy", "unknown policy 'fastest'");
  }

  @Test
  void wrongTypesAndRangesAreRefused() {
    assertError("gateway:\n  port: lots\n", "line 2", "gateway.port", "'lots' is not an integer");
    assertError("gateway:\n  port: 70000\n", "gateway.port", "out of range");
    assertError("workers:\n  - url: ftp://a\n    model: m\n", "workers[0].url", "must start with http://");
    assertError("workers:\n  - model: m\n", "workers[0].url", "is required");
    assertError("workers:\n  - {url: 'http://p:1', type: prefill}\n  - {url: 'http://d:1', model: m, type: decode}\n",
        "workers[0].model", "is required for prefill http workers");
    assertError("workers: {a: 1}\n", "workers", "must be a list");
    assertError("workers:\n  - url: [http://a:1\n", "not valid YAML");
  }

  @Test
  void regularHttpWorkerMayLeaveTheModelToDiscovery() {
    DeploymentConfig c = parse("workers:\n  - url: http://vllm:8000\n");
    assertThat(c.workers().getFirst().discoversModel()).isTrue();
  }

  @Test
  void bootstrapPortOnlyForPrefill() {
    assertError("""
        workers:
          - url: http://a:8000
            model: m
            bootstrap_port: 9000
        """, "workers[0].bootstrap_port", "only prefill workers");
  }

  @Test
  void perModelPolicies() {
    DeploymentConfig c = parse("""
        models:
          m:
            policy: random
            prefill_policy: {name: round_robin}
        workers:
          - url: http://a:8000
            model: m
        """);
    assertThat(c.model("m").policy().name()).isEqualTo("random");
    assertThat(c.model("m").prefillPolicy().name()).isEqualTo("round_robin");
    assertThat(c.model("absent")).isEqualTo(ModelSettings.NONE);
  }
}
