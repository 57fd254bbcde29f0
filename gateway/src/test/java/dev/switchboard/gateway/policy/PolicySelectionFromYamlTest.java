package dev.switchboard.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.config.ConfigException;
import dev.switchboard.gateway.config.ConfigLoader;
import dev.switchboard.gateway.config.DeploymentConfig;
import dev.switchboard.gateway.policy.radix.CacheAwareClassicPolicy;
import dev.switchboard.gateway.policy.radix.CacheAwarePolicy;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.WorkerSnapshot.PoolKey;
import dev.switchboard.gateway.worker.WorkerType;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.SimWorker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The deployment file picks a policy per model and separately for prefill and decode pools. */
class PolicySelectionFromYamlTest {
  private final List<SimWorker> sims = new ArrayList<>();
  private Gateway gateway;

  @AfterEach
  void tearDown() {
    if (gateway != null) gateway.close();
    sims.forEach(SimWorker::close);
  }

  private String sim(String model) {
    SimWorker s = SimWorker.start(SimConfig.of(model).withNoLatency());
    sims.add(s);
    return s.url();
  }

  private Policy policy(String model, WorkerType type) {
    return gateway.policies().policy(new PoolKey(model, type, ConnectionMode.HTTP));
  }

  @Test
  void gatewayDefaultPerModelAndPrefillDecodePoliciesWithParameters() throws Exception {
    String yaml = """
        gateway:
          host: 127.0.0.1
          policy: {name: cache_aware, cache_threshold: 0.5}
        models:
          chat:
            policy: consistent_hash
          split:
            prefill_policy: power_of_two
            decode_policy: {name: cache_aware_classic, balance_abs_threshold: 8}
        workers:
          - {url: "%s", model: base}
          - {url: "%s", model: chat}
          - {url: "%s", model: split, type: prefill}
          - {url: "%s", model: split, type: decode}
        """.formatted(sim("base"), sim("chat"), sim("split"), sim("split"));
    DeploymentConfig parsed = ConfigLoader.parse(yaml, "deploy.yaml");
    DeploymentConfig config = parsed.withGateway(parsed.gateway().withPort(0));
    gateway = Gateway.start(config);
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.registry().snapshot().all().stream().allMatch(Worker::isHealthy));

    assertThat(policy("base", WorkerType.REGULAR)).isInstanceOf(CacheAwarePolicy.class);
    assertThat(((CacheAwarePolicy) policy("base", WorkerType.REGULAR)).settings().cacheThreshold()).isEqualTo(0.5);
    assertThat(policy("chat", WorkerType.REGULAR).name()).isEqualTo("consistent_hash");
    assertThat(policy("split", WorkerType.PREFILL).name()).isEqualTo("power_of_two");
    assertThat(policy("split", WorkerType.DECODE)).isInstanceOf(CacheAwareClassicPolicy.class);
    assertThat(((CacheAwareClassicPolicy) policy("split", WorkerType.DECODE)).settings().balanceAbsThreshold()).isEqualTo(8);

    // and the per-model policy is the one requests meet: a session stays on the chat pool's only worker
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/completions"))
        .header("content-type", "application/json").header("x-session-id", "s1")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"chat\",\"prompt\":\"hi\",\"max_tokens\":1}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
  }

  @Test
  void aBadPolicyParameterIsReportedWithFileLineAndField() {
    String yaml = """
        gateway:
          policy:
            name: cache_aware
            cache_threshold: 2
        workers:
          - {url: "http://127.0.0.1:1", model: m}
        """;
    assertThatThrownBy(() -> ConfigLoader.parse(yaml, "deploy.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("deploy.yaml line 3: gateway.policy: policy cache_aware: parameter cache_threshold must be between 0 and 1, not 2");
  }
}
