package dev.switchboard.gateway.metrics;

import static dev.switchboard.gateway.testing.Fleet.chat;
import static dev.switchboard.gateway.testing.Fleet.sim;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.config.ClientKey;
import dev.switchboard.gateway.exchange.RequestFacts;
import dev.switchboard.gateway.policy.PolicySpec;
import dev.switchboard.gateway.testing.Fleet;
import dev.switchboard.gateway.testing.Fleet.SimSpec;
import dev.switchboard.gateway.testing.PromText;
import dev.switchboard.gateway.worker.Worker;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The metrics of a running gateway, scraped over HTTP and parsed as Prometheus text after real traffic. */
class MetricsScrapeTest {
  private static final String KEY = "Bearer team-a-key";

  private static JsonNode json(String s) throws Exception {
    return RequestFacts.JSON.readTree(s);
  }

  /** The usage of a stream: its last event with a usage object. */
  private static JsonNode streamUsage(String body) throws Exception {
    JsonNode usage = null;
    for (String line : body.split("\n")) {
      if (line.startsWith("data: {")) {
        JsonNode e = json(line.substring(6));
        if (e.path("usage").isObject()) usage = e.path("usage");
      }
    }
    return usage;
  }

  private static Fleet fleet() {
    List<ClientKey> keys = List.of(new ClientKey("team-a", "team-a-key", 0, 0, 5));
    return Fleet.start(List.of(SimSpec.of(sim("m")), SimSpec.of(sim("m"))),
        g -> g.withApiKeys(keys).withPolicy(new PolicySpec("cache_aware", Map.of())), Map.of()).awaitReady();
  }

  @Test
  void requestsTokensAndTimingsCarryModelRouterStatusAndTenant() throws Exception {
    try (Fleet f = fleet()) {
      await().atMost(Duration.ofSeconds(20)).until(() -> f.gateway().registry().snapshot().all().stream().allMatch(Worker::isHealthy));
      long prompt = 0;
      long completion = 0;
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> r = f.post("/v1/chat/completions", chat("m", "plain request number " + i, false), "authorization", KEY);
        assertThat(r.statusCode()).isEqualTo(200);
        prompt += json(r.body()).path("usage").path("prompt_tokens").asLong();
        completion += json(r.body()).path("usage").path("completion_tokens").asLong();
      }
      int streamsWithGaps = 0;
      for (int i = 0; i < 2; i++) {
        String body = "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"max_tokens\":8,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"a streamed request " + i + "\"}]}";
        HttpResponse<String> r = f.post("/v1/chat/completions", body, "authorization", KEY);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode usage = streamUsage(r.body());
        assertThat(usage).isNotNull();
        prompt += usage.path("prompt_tokens").asLong();
        completion += usage.path("completion_tokens").asLong();
        if (usage.path("completion_tokens").asLong() >= 2) streamsWithGaps++;
      }
      // a model the gateway does not serve is never a label value
      assertThat(f.post("/v1/chat/completions", chat("no-such-model-xyz", "x", false), "authorization", KEY).statusCode()).isEqualTo(404);

      long expectedPrompt = prompt;
      long expectedCompletion = completion;
      int expectedGaps = streamsWithGaps;
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        HttpResponse<String> scrape = f.get("/metrics");
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
        PromText m = PromText.parse(scrape.body());
        String[] served = {"model", "m", "router", "http-regular", "tenant", "team-a"};
        assertThat(m.sum("switchboard_requests_total", "endpoint", "/v1/chat/completions", "model", "m",
            "router", "http-regular", "status", "200", "tenant", "team-a")).isEqualTo(5);
        assertThat(m.sum("switchboard_requests_total", "model", "unknown", "router", "none", "status", "404", "tenant", "team-a")).isEqualTo(1);
        assertThat(m.samples()).noneMatch(s -> s.labels().containsValue("no-such-model-xyz"));
        assertThat(m.sum("switchboard_request_duration_seconds_count", served)).isEqualTo(5);
        assertThat(m.sum("switchboard_input_tokens_total", served)).isEqualTo(expectedPrompt);
        assertThat(m.sum("switchboard_output_tokens_total", served)).isEqualTo(expectedCompletion);
        assertThat(m.sum("switchboard_time_to_first_token_seconds_count", served)).isEqualTo(2);
        assertThat(m.sum("switchboard_time_between_tokens_seconds_count", served)).isEqualTo(expectedGaps);
        assertThat(m.find("switchboard_time_to_first_token_seconds_bucket", "tenant", "team-a", "le", "+Inf"))
            .singleElement().extracting(PromText.Sample::value).isEqualTo(2.0);
        for (var sim : f.sims()) {
          assertThat(m.sum("switchboard_worker_healthy", "worker", sim.url())).isEqualTo(1);
          assertThat(m.find("switchboard_worker_in_flight", "worker", sim.url())).singleElement().extracting(PromText.Sample::value).isEqualTo(0.0);
          assertThat(m.find("switchboard_worker_circuit_state", "worker", sim.url())).hasSize(1);
          assertThat(m.find("switchboard_worker_attempts_total", "worker", sim.url())).hasSize(4);
        }
        // the attempt loop's reports: one successful attempt per answered request, each with a first byte
        assertThat(m.sum("switchboard_worker_attempts_total", "outcome", "succeeded")).isEqualTo(5);
        assertThat(m.sum("switchboard_worker_errors_total")).isZero();
        assertThat(m.sum("switchboard_worker_time_to_first_token_seconds_count")).isEqualTo(5);
        assertThat(m.find("switchboard_retries_total", "router", "http-regular")).hasSize(1);
        assertThat(m.find("switchboard_rate_limited_total", "tenant", "team-a", "limit", "rpm")).hasSize(1);
        assertThat(m.types()).containsEntry("switchboard_request_duration_seconds", "histogram")
            .containsEntry("switchboard_requests_total", "counter").containsEntry("switchboard_worker_healthy", "gauge");
      });
    }
  }

  @Test
  void cacheAwarePicksReportTheMatchedPrefixShare() throws Exception {
    try (Fleet f = fleet()) {
      await().atMost(Duration.ofSeconds(20)).until(() -> f.gateway().registry().snapshot().all().stream().allMatch(Worker::isHealthy));
      String prompt = "the same long prompt that the cache-aware policy will remember for the second request";
      for (int i = 0; i < 2; i++) {
        assertThat(f.post("/v1/chat/completions", chat("m", prompt, false), "authorization", KEY).statusCode()).isEqualTo(200);
      }
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        PromText m = PromText.parse(f.get("/metrics").body());
        String[] pool = {"model", "m", "type", "regular", "policy", "cache_aware"};
        assertThat(m.sum("switchboard_cache_match_share_count", pool)).isEqualTo(2);
        assertThat(m.sum("switchboard_cache_decisions_total", "model", "m", "policy", "cache_aware", "outcome", "miss")).isEqualTo(1);
        assertThat(m.sum("switchboard_cache_decisions_total", "model", "m", "policy", "cache_aware", "outcome", "hit")).isEqualTo(1);
        // the second request matched its whole text
        assertThat(m.sum("switchboard_cache_match_share_sum", pool)).isEqualTo(1.0);
      });
    }
  }
}
