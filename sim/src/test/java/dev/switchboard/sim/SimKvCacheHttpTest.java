package dev.switchboard.sim;

import static dev.switchboard.sim.TestHttp.get;
import static dev.switchboard.sim.TestHttp.json;
import static dev.switchboard.sim.TestHttp.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.sim.cache.SimChatFormat;
import dev.switchboard.sim.cache.SimTokens;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SimKvCacheHttpTest {

  private SimWorker worker;

  @BeforeEach
  void start() {
    worker = SimWorker.start(SimConfig.of("m").withNoLatency());
  }

  @AfterEach
  void stop() {
    worker.close();
  }

  private JsonNode generate(String text, int maxTokens) {
    return json(post(worker.url() + "/generate",
        "{\"text\":\"" + text + "\",\"sampling_params\":{\"max_new_tokens\":" + maxTokens + "}}"));
  }

  @Test
  void aRepeatedPromptReportsCachedTokensInFullBlocks() {
    String prompt = SimTokens.words(1, 100);
    assertThat(generate(prompt, 4).path("meta_info").path("cached_tokens").asInt()).isZero();
    assertThat(generate(prompt, 4).path("meta_info").path("cached_tokens").asInt()).isEqualTo(96);
    assertThat(worker.stats().promptTokens()).isEqualTo(200);
    assertThat(worker.stats().cachedTokens()).isEqualTo(96);
    assertThat(worker.stats().cacheHitRate()).isEqualTo(0.48);
  }

  @Test
  void aConversationTurnFindsThePreviousPromptAndAnswerCached() {
    ObjectNode request = TestHttp.JSON.createObjectNode();
    ArrayNode messages = request.putArray("messages");
    messages.addObject().put("role", "user").put("content", SimTokens.words(2, 40));
    request.put("max_tokens", 10);
    JsonNode first = json(post(worker.url() + "/v1/chat/completions", request.toString()));
    assertThat(first.path("usage").path("prompt_tokens_details").path("cached_tokens").asInt()).isZero();
    String answer = first.path("choices").get(0).path("message").path("content").asText();
    int cachedSequence = first.path("usage").path("prompt_tokens").asInt() + 10;

    messages.addObject().put("role", "assistant").put("content", answer);
    messages.addObject().put("role", "user").put("content", "and then");
    JsonNode second = json(post(worker.url() + "/v1/chat/completions", request.toString()));
    assertThat(second.path("usage").path("prompt_tokens").asInt())
        .isEqualTo(SimChatFormat.tokenCount("user", SimTokens.words(2, 40), "assistant", answer, "user", "and then"));
    assertThat(second.path("usage").path("prompt_tokens_details").path("cached_tokens").asInt())
        .isEqualTo(cachedSequence / 16 * 16);
  }

  @Test
  void totalsAppearOnServerInfoAndMetrics() {
    String prompt = SimTokens.words(3, 50);
    generate(prompt, 1);
    generate(prompt, 1);
    JsonNode cache = json(get(worker.url() + "/get_server_info")).path("cache");
    assertThat(cache.path("prompt_tokens_total").asLong()).isEqualTo(100);
    assertThat(cache.path("cached_tokens_total").asLong()).isEqualTo(48);
    assertThat(cache.path("hit_rate").asDouble()).isEqualTo(0.48);
    assertThat(cache.path("capacity_tokens").asInt()).isEqualTo(24_576);
    assertThat(cache.path("used_tokens").asInt()).isEqualTo(48);
    String metrics = get(worker.url() + "/metrics").body();
    assertThat(metrics).contains("# TYPE sglang:cached_tokens_total counter")
        .containsPattern("sglang:prompt_tokens_total\\{[^}]*} 100\\n")
        .containsPattern("sglang:cached_tokens_total\\{[^}]*} 48\\n");
  }

  @Test
  void flushCacheEmptiesTheCache() {
    String prompt = SimTokens.words(4, 64);
    generate(prompt, 1);
    assertThat(post(worker.url() + "/flush_cache", "").statusCode()).isEqualTo(200);
    assertThat(generate(prompt, 1).path("meta_info").path("cached_tokens").asInt()).isZero();
    assertThat(worker.stats().flushes()).isEqualTo(1);
  }

  @Test
  void uncachedPromptTokensCostPrefillTime() {
    try (SimWorker slowPrefill = SimWorker.start(SimConfig.of("m").withNoLatency()
        .withPrefillTimePerToken(Duration.ofNanos(100_000)))) {
      long start = System.nanoTime();
      post(slowPrefill.url() + "/generate",
          "{\"text\":\"" + SimTokens.words(5, 1000) + "\",\"sampling_params\":{\"max_new_tokens\":1}}");
      // lower bound only: 1000 uncached tokens x 100 µs
      assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(100);
    }
  }

  @Test
  void requestsWaitWhileRunningRequestsHoldTheKvMemory() {
    try (SimWorker small = SimWorker.start(SimConfig.of("m").withNoLatency().withCacheCapacityTokens(64))) {
      small.controls().holdStreamsAfterFirstEvent(true);
      String first = SimTokens.words(6, 48);
      try (TestHttp.RawStream holder = new TestHttp.RawStream(small.port(), "/generate", stream(first));
           TestHttp.RawStream sharing = new TestHttp.RawStream(small.port(), "/generate", stream(first + " more"));
           TestHttp.RawStream blocked = new TestHttp.RawStream(small.port(), "/generate",
               stream(SimTokens.words(7, 48)))) {
        assertThat(holder.nextEvent()).isNotNull();
        assertThat(sharing.nextEvent()).isNotNull();
        await().untilAsserted(() -> assertThat(small.stats().waiting()).isEqualTo(1));
        assertThat(small.stats().running()).isEqualTo(2);
        small.controls().holdStreamsAfterFirstEvent(false).releaseStreams();
        assertThat(holder.rest()).last().isEqualTo("[DONE]");
        assertThat(sharing.rest()).last().isEqualTo("[DONE]");
        assertThat(blocked.rest()).last().isEqualTo("[DONE]");
      }
    }
  }

  private static String stream(String text) {
    return "{\"text\":\"" + text + "\",\"stream\":true,\"sampling_params\":{\"max_new_tokens\":3}}";
  }
}
