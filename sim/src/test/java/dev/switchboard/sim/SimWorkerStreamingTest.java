package dev.switchboard.sim;

import static dev.switchboard.sim.TestHttp.events;
import static dev.switchboard.sim.TestHttp.json;
import static dev.switchboard.sim.TestHttp.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SimWorkerStreamingTest {

  private SimWorker worker;

  @AfterEach
  void stop() {
    if (worker != null) {
      worker.close();
    }
  }

  @Test
  void generateStreamsAccumulatedTextThenDone() {
    worker = SimWorker.start(SimConfig.of("m").withNoLatency());
    List<String> events = events(post(worker.url() + "/generate",
        "{\"text\":\"stream me\",\"stream\":true,\"sampling_params\":{\"max_new_tokens\":4}}").body());
    assertThat(events).hasSize(5).last().isEqualTo("[DONE]");
    JsonNode first = json(events.get(0));
    JsonNode last = json(events.get(3));
    assertThat(first.path("text").asText().split(" ")).hasSize(1);
    assertThat(first.path("meta_info").path("finish_reason").isNull()).isTrue();
    assertThat(last.path("text").asText()).startsWith(first.path("text").asText());
    assertThat(last.path("text").asText().split(" ")).hasSize(4);
    assertThat(last.path("meta_info").path("finish_reason").path("type").asText()).isEqualTo("length");
    assertThat(last.path("meta_info").path("completion_tokens").asInt()).isEqualTo(4);
    String nonStream = json(post(worker.url() + "/generate",
        "{\"text\":\"stream me\",\"sampling_params\":{\"max_new_tokens\":4}}")).path("text").asText();
    assertThat(last.path("text").asText()).isEqualTo(nonStream);
  }

  @Test
  void chatStreamsRoleContentFinishUsageAndDone() {
    worker = SimWorker.start(SimConfig.of("m").withNoLatency());
    List<String> events = events(post(worker.url() + "/v1/chat/completions",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true,\"max_tokens\":3,"
            + "\"stream_options\":{\"include_usage\":true}}").body());
    assertThat(events.getLast()).isEqualTo("[DONE]");
    assertThat(json(events.get(0)).path("choices").get(0).path("delta").path("role").asText()).isEqualTo("assistant");
    StringBuilder content = new StringBuilder();
    for (String event : events.subList(1, 4)) {
      JsonNode chunk = json(event);
      assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
      content.append(chunk.path("choices").get(0).path("delta").path("content").asText());
    }
    assertThat(content.toString().trim().split(" ")).hasSize(3);
    JsonNode finish = json(events.get(4));
    assertThat(finish.path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
    JsonNode usage = json(events.get(5));
    assertThat(usage.path("choices")).isEmpty();
    assertThat(usage.path("usage").path("completion_tokens").asInt()).isEqualTo(3);
    assertThat(events).hasSize(7);
  }

  @Test
  void completionsStreamWithoutUsageEndsWithDone() {
    worker = SimWorker.start(SimConfig.of("m").withNoLatency());
    List<String> events = events(post(worker.url() + "/v1/completions",
        "{\"prompt\":\"p\",\"stream\":true,\"max_tokens\":2}").body());
    assertThat(events).hasSize(4).last().isEqualTo("[DONE]");
    assertThat(json(events.get(0)).path("choices").get(0).path("text").asText()).isNotEmpty();
    assertThat(json(events.get(2)).path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
    assertThat(events).noneMatch(e -> e.contains("\"usage\""));
  }

  @Test
  void gateHoldsStreamsAfterTheFirstEventUntilReleased() {
    worker = SimWorker.start(SimConfig.of("m").withNoLatency());
    worker.controls().holdStreamsAfterFirstEvent(true);
    try (TestHttp.RawStream stream = new TestHttp.RawStream(worker.port(), "/generate",
        "{\"text\":\"gate\",\"stream\":true,\"sampling_params\":{\"max_new_tokens\":5}}")) {
      String first = stream.nextEvent();
      assertThat(json(first).path("meta_info").path("completion_tokens").asInt()).isEqualTo(1);
      assertThat(worker.stats().generatedTokens()).isEqualTo(1);
      assertThat(worker.stats().completed()).isZero();
      assertThat(worker.stats().inFlight()).isEqualTo(1);
      worker.controls().releaseStreams();
      List<String> rest = stream.rest();
      assertThat(rest).hasSize(5).last().isEqualTo("[DONE]");
    }
    await().untilAsserted(() -> assertThat(worker.stats().completed()).isEqualTo(1));
  }

  @Test
  void clientGoingAwayMidStreamStopsGenerationAndCountsCancelled() {
    worker = SimWorker.start(SimConfig.of("m").withNoLatency());
    worker.controls().holdStreamsAfterFirstEvent(true);
    TestHttp.RawStream stream = new TestHttp.RawStream(worker.port(), "/v1/chat/completions",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"bye\"}],\"stream\":true,\"max_tokens\":50}");
    assertThat(stream.nextEvent()).contains("assistant");
    stream.close();
    await().untilAsserted(() -> assertThat(worker.stats().cancelled()).isEqualTo(1));
    worker.controls().releaseStreams();
    await().untilAsserted(() -> assertThat(worker.stats().running()).isZero());
    assertThat(worker.stats().generatedTokens()).isEqualTo(1);
    assertThat(worker.stats().inFlight()).isZero();
    assertThat(worker.stats().completed()).isZero();
  }

  @Test
  void maxConcurrentQueuesTheRest() {
    worker = SimWorker.start(SimConfig.of("m").withNoLatency().withMaxConcurrent(1));
    worker.controls().holdStreamsAfterFirstEvent(true);
    try (TestHttp.RawStream first = new TestHttp.RawStream(worker.port(), "/generate",
        "{\"text\":\"one\",\"stream\":true,\"sampling_params\":{\"max_new_tokens\":3}}");
            TestHttp.RawStream second = new TestHttp.RawStream(worker.port(), "/generate",
            "{\"text\":\"two\",\"stream\":true,\"sampling_params\":{\"max_new_tokens\":3}}")) {
      assertThat(first.nextEvent()).isNotNull();
      await().untilAsserted(() -> assertThat(worker.stats().waiting()).isEqualTo(1));
      assertThat(worker.stats().running()).isEqualTo(1);
      worker.controls().holdStreamsAfterFirstEvent(false).releaseStreams();
      assertThat(first.rest()).last().isEqualTo("[DONE]");
      assertThat(second.rest()).hasSize(4).last().isEqualTo("[DONE]");
    }
  }

  @Test
  void latencyKnobsAreHonoured() {
    worker = SimWorker.start(SimConfig.of("m").withTtft(Duration.ofMillis(40))
        .withTimePerToken(Duration.ofMillis(5)).withPrefillTimePerToken(Duration.ZERO));
    long start = System.nanoTime();
    post(worker.url() + "/generate", "{\"text\":\"slow\",\"sampling_params\":{\"max_new_tokens\":10}}");
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
    // lower bound only: ttft + 9 decode steps after the prefill step that yields the first token
    assertThat(elapsedMillis).isGreaterThanOrEqualTo(40 + 9 * 5);
  }

  @Test
  void streamedChatChunksCarryTheirTokensLogprobs() {
    worker = SimWorker.start(SimConfig.of("m").withNoLatency());
    List<String> events = events(post(worker.url() + "/v1/chat/completions",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true,\"max_tokens\":2,\"logprobs\":true}").body());
    for (String event : events.subList(1, 3)) {
      JsonNode choice = json(event).path("choices").get(0);
      JsonNode entries = choice.path("logprobs").path("content");
      assertThat(entries).hasSize(1);
      assertThat(entries.get(0).path("token").asText()).isEqualTo(choice.path("delta").path("content").asText());
    }
  }
}
