package dev.switchboard.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.gateway.worker.KvEventsSpec;
import org.junit.jupiter.api.Test;

class KvEventsConfigTest {
  private static DeploymentConfig parse(String yaml) {
    return ConfigLoader.parse(yaml, "deploy.yaml");
  }

  @Test
  void aWorkersKvEventsAreBound() {
    DeploymentConfig c = parse("""
        workers:
          - url: http://w1:8000
            model: m
            kv_events: {endpoint: tcp://w1:5557, replay_endpoint: tcp://w1:5558, topic: "kv"}
          - url: http://w2:8000
            model: m
            kv_events: {endpoint: tcp://10.0.0.2:5557}
          - url: http://w3:8000
            model: m
        """);
    assertThat(c.workers().get(0).kvEvents()).isEqualTo(new KvEventsSpec("tcp://w1:5557", "tcp://w1:5558", "kv"));
    assertThat(c.workers().get(1).kvEvents()).isEqualTo(new KvEventsSpec("tcp://10.0.0.2:5557", null, ""));
    assertThat(c.workers().get(2).kvEvents()).isNull();
  }

  @Test
  void mistakesNameTheField() {
    assertThatThrownBy(() -> parse("""
        workers:
          - url: http://w1:8000
            model: m
            kv_events: {replay_endpoint: tcp://w1:5558}
        """)).hasMessage("deploy.yaml line 4: workers[0].kv_events.endpoint: is required");
    assertThatThrownBy(() -> parse("""
        workers:
          - url: http://w1:8000
            model: m
            kv_events: {endpoint: "tcp://*:5557"}
        """)).hasMessageContaining("workers[0].kv_events.endpoint: 'tcp://*:5557' is a bind address");
    assertThatThrownBy(() -> parse("""
        workers:
          - url: http://w1:8000
            model: m
            kv_events: {endpoint: tcp://w1:5557, replay: tcp://w1:5558}
        """)).hasMessageContaining("workers[0].kv_events.replay: unknown field (known: endpoint, replay_endpoint, topic)");
    assertThatThrownBy(() -> parse("""
        workers:
          - url: http://w1:8000
            model: m
            kv_events: {endpoint: "http://w1:5557"}
        """)).hasMessageContaining("workers[0].kv_events.endpoint: 'http://w1:5557' must be tcp://host:port");
  }

  @Test
  void kvAwareIsAPolicyWithItsOwnParameters() {
    DeploymentConfig c = parse("""
        gateway:
          policy: {name: kv_aware, load_weight: 0.5, pending_ttl_ms: 1000}
        models:
          m: {tokenizer: /models/m, prefill_policy: kv_aware}
        workers:
          - {url: http://w1:8000, model: m}
        """);
    assertThat(c.gateway().policy().name()).isEqualTo("kv_aware");
    assertThatThrownBy(() -> parse("""
        gateway:
          policy: {name: kv_aware, load_wieght: 0.5}
        workers:
          - {url: http://w1:8000, model: m}
        """)).hasMessageContaining("load_wieght");
  }
}
