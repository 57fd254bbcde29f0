package dev.switchboard.gateway.api;

import static dev.switchboard.gateway.testing.Fleet.chat;
import static dev.switchboard.gateway.testing.Fleet.sim;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.config.ClientKey;
import dev.switchboard.gateway.exchange.RequestFacts;
import dev.switchboard.gateway.testing.Fleet;
import dev.switchboard.gateway.testing.Fleet.SimSpec;
import dev.switchboard.gateway.testing.PromText;
import dev.switchboard.sim.RecordedRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Client keys as tenants, over real sockets: 401 without a valid key, 429 with Retry-After over rpm or tpm. */
class TenantsTest {
  private static final String A = "Bearer key-of-team-a";
  private static final String B = "Bearer key-of-team-b";

  private static Fleet fleet(long rpmA, long tpmA) {
    List<ClientKey> keys = List.of(new ClientKey("team-a", "key-of-team-a", rpmA, tpmA, 10),
        new ClientKey("team-b", "key-of-team-b", 0, 0, 1));
    return Fleet.start(List.of(SimSpec.of(sim("m"))), g -> g.withApiKeys(keys), Map.of()).awaitReady();
  }

  private static JsonNode json(String s) throws Exception {
    return RequestFacts.JSON.readTree(s);
  }

  private static PromText scrape(Fleet f) throws Exception {
    HttpResponse<String> r = f.get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    return PromText.parse(r.body());
  }

  @Test
  void eachKeyIsItsTenantAndAMissingOrWrongKeyIs401() throws Exception {
    try (Fleet f = fleet(0, 0)) {
      assertThat(f.post("/v1/chat/completions", chat("m", "a", false), "authorization", A).statusCode()).isEqualTo(200);
      assertThat(f.post("/v1/chat/completions", chat("m", "b", false), "authorization", B).statusCode()).isEqualTo(200);
      assertThat(f.post("/v1/chat/completions", chat("m", "b", false), "authorization", B).statusCode()).isEqualTo(200);
      HttpResponse<String> none = f.post("/v1/chat/completions", chat("m", "c", false));
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(json(none.body()).path("error").path("type").asText()).isEqualTo("authentication_error");
      assertThat(f.post("/v1/chat/completions", chat("m", "d", false), "authorization", "Bearer key-of-team-c").statusCode()).isEqualTo(401);

      // the client's key never reaches a worker
      List<RecordedRequest> inference = f.sim(0).received().stream().filter(r -> r.path().startsWith("/v1/")).toList();
      assertThat(inference).hasSize(3).allMatch(r -> r.header("authorization") == null);

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        PromText m = scrape(f);
        assertThat(m.sum("switchboard_requests_total", "tenant", "team-a", "status", "200")).isEqualTo(1);
        assertThat(m.sum("switchboard_requests_total", "tenant", "team-b", "status", "200")).isEqualTo(2);
        assertThat(m.sum("switchboard_requests_total", "tenant", "unauthenticated", "status", "401")).isEqualTo(2);
      });
    }
  }

  @Test
  void theSingleApiKeyStillWorksAsTenantDefault() throws Exception {
    try (Fleet f = Fleet.start(List.of(SimSpec.of(sim("m"))), g -> g.withApiKey("legacy-key"), Map.of()).awaitReady()) {
      assertThat(f.post("/v1/chat/completions", chat("m", "a", false), "authorization", "Bearer legacy-key").statusCode()).isEqualTo(200);
      assertThat(f.post("/v1/chat/completions", chat("m", "a", false), "authorization", "Bearer other").statusCode()).isEqualTo(401);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(scrape(f).sum("switchboard_requests_total", "tenant", "default", "status", "200")).isEqualTo(1));
    }
  }

  @Test
  void requestsOverTheKeysRpmGet429WithRetryAfter() throws Exception {
    try (Fleet f = fleet(2, 0)) {
      assertThat(f.post("/v1/chat/completions", chat("m", "1", false), "authorization", A).statusCode()).isEqualTo(200);
      assertThat(f.post("/v1/chat/completions", chat("m", "2", false), "authorization", A).statusCode()).isEqualTo(200);
      HttpResponse<String> third = f.post("/v1/chat/completions", chat("m", "3", false), "authorization", A);
      assertThat(third.statusCode()).isEqualTo(429);
      // 2 per minute refill one every 30 s
      long retryAfter = Long.parseLong(third.headers().firstValue("retry-after").orElseThrow());
      assertThat(retryAfter).isBetween(1L, 30L);
      JsonNode error = json(third.body()).path("error");
      assertThat(error.path("code").asText()).isEqualTo("rate_limit_exceeded");
      assertThat(error.path("type").asText()).isEqualTo("requests");
      assertThat(error.path("message").asText()).contains("2 requests per minute", "team-a");
      assertThat(third.headers().firstValue("x-request-id")).isPresent();
      // another tenant is not held to team-a's limit
      assertThat(f.post("/v1/chat/completions", chat("m", "4", false), "authorization", B).statusCode()).isEqualTo(200);
      assertThat(f.sim(0).received().stream().filter(r -> r.path().startsWith("/v1/")).count()).isEqualTo(3);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        PromText m = scrape(f);
        assertThat(m.sum("switchboard_rate_limited_total", "tenant", "team-a", "limit", "rpm")).isEqualTo(1);
        assertThat(m.sum("switchboard_requests_total", "tenant", "team-a", "status", "429")).isEqualTo(1);
      });
    }
  }

  @Test
  void tokensFromTheWorkersUsageCountAgainstTpm() throws Exception {
    try (Fleet f = fleet(0, 20)) {
      String body = "{\"model\":\"m\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"count these tokens please\"}]}";
      HttpResponse<String> first = f.post("/v1/chat/completions", body, "authorization", A);
      assertThat(first.statusCode()).isEqualTo(200);
      long used = json(first.body()).path("usage").path("total_tokens").asLong();
      assertThat(used).as("the sim's usage must exceed the budget for this test to mean anything").isGreaterThanOrEqualTo(20);
      // the tokens are charged when the request ends; the same step records them in the metrics
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(scrape(f).sum("switchboard_input_tokens_total", "tenant", "team-a")
              + scrape(f).sum("switchboard_output_tokens_total", "tenant", "team-a")).isEqualTo(used));
      HttpResponse<String> second = f.post("/v1/chat/completions", body, "authorization", A);
      assertThat(second.statusCode()).isEqualTo(429);
      assertThat(json(second.body()).path("error").path("type").asText()).isEqualTo("tokens");
      assertThat(Long.parseLong(second.headers().firstValue("retry-after").orElseThrow())).isBetween(1L, 60L * used / 20 + 1);
      assertThat(f.post("/v1/chat/completions", body, "authorization", B).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void streamedUsageCountsToo() throws Exception {
    try (Fleet f = fleet(0, 20)) {
      String body = "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"max_tokens\":16,"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"count these streamed tokens please\"}]}";
      HttpResponse<String> first = f.post("/v1/chat/completions", body, "authorization", A);
      assertThat(first.statusCode()).isEqualTo(200);
      assertThat(first.body()).contains("\"usage\":{");
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(scrape(f).sum("switchboard_output_tokens_total", "tenant", "team-a")).isPositive());
      assertThat(f.post("/v1/chat/completions", body, "authorization", A).statusCode()).isEqualTo(429);
    }
  }

}
