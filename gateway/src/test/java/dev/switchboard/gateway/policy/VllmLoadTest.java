package dev.switchboard.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.testing.Fleet;
import dev.switchboard.gateway.worker.LoadPoller;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.sim.SimConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** vLLM has no /get_load: its load is read from /metrics. */
class VllmLoadTest {
  @Test
  void vllmMetricsAreSummedOverTheirSeries() {
    String text = """
        # HELP vllm:num_requests_running Number of requests in model execution batches.
        # TYPE vllm:num_requests_running gauge
        vllm:num_requests_running{engine="0",model_name="m"} 3.0
        vllm:num_requests_running{engine="1",model_name="m"} 2.0
        vllm:num_requests_waiting{engine="0",model_name="m"} 4.0
        vllm:kv_cache_usage_perc{engine="0",model_name="m"} 0.25
        vllm:kv_cache_usage_perc{engine="1",model_name="m"} 0.5
        vllm:num_requests_running_total_not_it 99
        """;
    assertThat(LoadPoller.parseVllmMetrics(text.getBytes(StandardCharsets.UTF_8))).isEqualTo(new LoadPoller.VllmLoad(9, 0.5));
    assertThat(LoadPoller.parseVllmMetrics("sglang:num_running_reqs 3\n".getBytes(StandardCharsets.UTF_8))).isNull();
  }

  @Test
  void aVllmWorkersLoadComesFromItsMetrics() throws Exception {
    SimConfig vllm = Fleet.sim("m").withOpenAiOnly(true).withTimePerToken(Duration.ofMillis(600));
    try (Fleet f = Fleet.start(List.of(Fleet.SimSpec.of(vllm)), s -> s.withPolicy(PolicySpec.named("kv_aware")), Map.of()).awaitReady()) {
      Worker w = f.gateway().registry().snapshot().all().getFirst();
      // two requests straight to the worker, not through the gateway: only the worker's own report shows them
      java.net.http.HttpClient http = f.http();
      for (int i = 0; i < 2; i++) {
        http.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create(f.sim(0).url() + "/v1/chat/completions"))
            .header("content-type", "application/json")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Fleet.chat("m", "hello " + i, false))).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> w.reportedLoad() == 2);
      assertThat(w.reportedKvUsage()).isBetween(0.0, 1.0);
      assertThat(Load.of(w)).isEqualTo(2);
    }
  }
}
