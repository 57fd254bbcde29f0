package dev.switchboard.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.gateway.worker.BreakerSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The fault-containment keys: defaults, every field, per-model overrides on top of the gateway's, one-line errors. */
class FaultContainmentConfigTest {
  private static DeploymentConfig parse(String yaml) {
    return ConfigLoader.parse(yaml, "deploy.yaml");
  }

  private static void assertError(String yaml, String... fragments) {
    assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class).satisfies(e -> {
      assertThat(e.getMessage()).doesNotContain("\n");
      for (String f : fragments) assertThat(e.getMessage()).contains(f);
    });
  }

  @Test
  void defaultsWhenNothingIsSaid() {
    DeploymentConfig c = parse("workers: []");
    assertThat(c.gateway().retry()).isEqualTo(RetrySettings.DEFAULTS);
    assertThat(c.gateway().circuitBreaker()).isEqualTo(BreakerSettings.DEFAULTS);
    assertThat(c.gateway().admission()).isEqualTo(AdmissionSettings.DEFAULTS);
    assertThat(c.gateway().drainTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.gateway().front()).isEqualTo(FrontSettings.DEFAULTS);
    assertThat(c.retry("any")).isEqualTo(RetrySettings.DEFAULTS);
  }

  @Test
  void readsEveryKeyAndPerModelOverridesKeepTheGatewaysOtherValues() {
    DeploymentConfig c = parse("""
        gateway:
          circuit_breaker: {failure_threshold: 7, window_secs: 20, open_secs: 15, half_open_requests: 2}
          retry: {max_attempts: 4, backoff_ms: 20, max_backoff_ms: 500, budget_ratio: 0.1}
          admission: {max_concurrent: 100, queue_size: 10, queue_timeout_secs: 5}
          drain_timeout_secs: 12
          front: {header_timeout_secs: 3, body_timeout_secs: 4, keep_alive_idle_secs: 5, max_connections: 600}
        models:
          big:
            circuit_breaker: {failure_threshold: 2}
            retry: {max_attempts: 1}
            admission: {max_concurrent: 4}
            drain_timeout_secs: 300
        workers: []
        """);
    GatewaySettings g = c.gateway();
    assertThat(g.circuitBreaker()).isEqualTo(new BreakerSettings(7, Duration.ofSeconds(20), Duration.ofSeconds(15), 2));
    assertThat(g.retry()).isEqualTo(new RetrySettings(4, Duration.ofMillis(20), Duration.ofMillis(500), 0.1));
    assertThat(g.maxAttempts()).isEqualTo(4);
    assertThat(g.admission()).isEqualTo(new AdmissionSettings(100, 10, Duration.ofSeconds(5)));
    assertThat(g.front()).isEqualTo(new FrontSettings(Duration.ofSeconds(3), Duration.ofSeconds(4), Duration.ofSeconds(5), 600));
    assertThat(c.circuitBreaker("big")).isEqualTo(new BreakerSettings(2, Duration.ofSeconds(20), Duration.ofSeconds(15), 2));
    assertThat(c.retry("big")).isEqualTo(new RetrySettings(1, Duration.ofMillis(20), Duration.ofMillis(500), 0.1));
    assertThat(c.model("big").admission()).isEqualTo(new AdmissionSettings(4, 10, Duration.ofSeconds(5)));
    assertThat(c.drainTimeout("big")).isEqualTo(Duration.ofSeconds(300));
    assertThat(c.drainTimeout("small")).isEqualTo(Duration.ofSeconds(12));
    assertThat(c.circuitBreaker("small")).isEqualTo(g.circuitBreaker());
  }

  @Test
  void raisingOnlyTheBackoffRaisesTheCapWithIt() {
    assertThat(parse("gateway: {retry: {backoff_ms: 5000}}").gateway().retry().maxBackoff()).isEqualTo(Duration.ofMillis(5000));
  }

  @Test
  void errorsNameTheField() {
    assertError("gateway: {circuit_breaker: {failure_treshold: 3}}", "line 1", "gateway.circuit_breaker.failure_treshold", "unknown field");
    assertError("gateway: {circuit_breaker: {half_open_requests: 0}}", "gateway.circuit_breaker.half_open_requests", "out of range");
    assertError("gateway: {retry: {budget_ratio: 1.5}}", "gateway.retry.budget_ratio", "out of range");
    assertError("gateway: {retry: {backoff_ms: 100, max_backoff_ms: 50}}", "gateway.retry.max_backoff_ms", "below backoff_ms");
    assertError("gateway: {admission: {max_concurrent: -1}}", "gateway.admission.max_concurrent");
    assertError("gateway: {admission: {queue_timeout_secs: 0}}", "gateway.admission.queue_timeout_secs");
    assertError("gateway: {drain_timeout_secs: soon}", "gateway.drain_timeout_secs", "not an integer");
    assertError("models: {m: {admission: {queue_size: x}}}", "models.m.admission.queue_size");
    assertError("gateway: {front: {max_connections: 0}}", "gateway.front.max_connections");
  }
}
