package dev.switchboard.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.worker.WorkerSpec;
import org.junit.jupiter.api.Test;

class DeploymentDiffTest {
  private static DeploymentConfig parse(String yaml) {
    return ConfigLoader.parse(yaml, "deploy.yaml");
  }

  @Test
  void sortsWorkersIntoAddedRemovedUpdatedAndReplaced() {
    DeploymentConfig before = parse("""
        workers:
          - {url: 'http://a:1', model: m}
          - {url: 'http://b:1', model: m, priority: 10}
          - {url: 'http://c:1', model: m}
          - {url: 'http://d:1'}
        """);
    DeploymentConfig after = parse("""
        gateway: {port: 31001, readiness: all, worker_allowlist: [10.0.0.0/8]}
        workers:
          - {url: 'http://a:1', model: m}
          - {url: 'http://b:1', model: m, priority: 90, labels: {zone: x}}
          - {url: 'http://c:1', model: other}
          - {url: 'http://d:1', cost: 3}
          - {url: 'http://e:1', model: m}
        """);
    DeploymentDiff d = DeploymentDiff.of(before, after);
    assertThat(d.added()).extracting(WorkerSpec::url).containsExactly("http://e:1");
    assertThat(d.removed()).isEmpty();
    assertThat(d.updated()).extracting(WorkerSpec::url).containsExactly("http://b:1", "http://d:1");
    assertThat(d.replaced()).extracting(WorkerSpec::url).containsExactly("http://c:1");
    // readiness and the allow-list apply live; the port does not
    assertThat(d.needRestart()).containsExactly("gateway.port");

    DeploymentDiff back = DeploymentDiff.of(after, before);
    assertThat(back.removed()).extracting(WorkerSpec::url).containsExactly("http://e:1");
    assertThat(DeploymentDiff.of(before, before).workersChanged()).isFalse();
  }
}
