package dev.switchboard.sim;

import static dev.switchboard.sim.TestHttp.get;
import static dev.switchboard.sim.TestHttp.json;
import static dev.switchboard.sim.TestHttp.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SimControlsTest {

  private static final String CHAT = "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":2}";
  private final List<SimWorker> workers = new ArrayList<>();

  private SimWorker start(SimConfig config) {
    SimWorker worker = SimWorker.start(config);
    workers.add(worker);
    return worker;
  }

  @AfterEach
  void stop() {
    workers.forEach(SimWorker::close);
  }

  @Test
  void unhealthyWorkerAnswers503OnHealthChecksOnly() {
    SimWorker worker = start(SimConfig.of("m").withNoLatency());
    worker.controls().healthy(false);
    assertThat(get(worker.url() + "/health").statusCode()).isEqualTo(503);
    assertThat(get(worker.url() + "/health_generate").statusCode()).isEqualTo(503);
    worker.controls().healthy(true);
    assertThat(get(worker.url() + "/health").statusCode()).isEqualTo(200);
  }

  @Test
  void failNextAnswersTheGivenStatusThatManyTimes() {
    SimWorker worker = start(SimConfig.of("m").withNoLatency());
    worker.controls().failNext(2, 503);
    HttpResponse<String> first = post(worker.url() + "/v1/chat/completions", CHAT);
    assertThat(first.statusCode()).isEqualTo(503);
    assertThat(json(first).path("error").path("message").asText()).contains("injected");
    assertThat(post(worker.url() + "/v1/chat/completions", CHAT).statusCode()).isEqualTo(503);
    assertThat(post(worker.url() + "/v1/chat/completions", CHAT).statusCode()).isEqualTo(200);
    assertThat(worker.stats().faultsInjected()).isEqualTo(2);
    assertThat(get(worker.url() + "/health").statusCode()).isEqualTo(200);
  }

  @Test
  void errorRateIsDeterministicPerSeed() {
    SimWorker a = start(SimConfig.of("m").withNoLatency().withSeed(11));
    SimWorker b = start(SimConfig.of("m").withNoLatency().withSeed(11));
    a.controls().errorRate(0.5, 429);
    b.controls().errorRate(0.5, 429);
    List<Integer> statusesA = new ArrayList<>();
    List<Integer> statusesB = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      statusesA.add(post(a.url() + "/generate", "{\"text\":\"e\"}").statusCode());
      statusesB.add(post(b.url() + "/generate", "{\"text\":\"e\"}").statusCode());
    }
    assertThat(statusesA).isEqualTo(statusesB).contains(200, 429).containsOnly(200, 429);
    a.controls().errorRate(1.0, 500);
    assertThat(post(a.url() + "/generate", "{\"text\":\"e\"}").statusCode()).isEqualTo(500);
  }

  @Test
  void hangAcceptsAndNeverAnswersUntilTheClientLeaves() throws Exception {
    SimWorker worker = start(SimConfig.of("m").withNoLatency());
    worker.controls().hang(true);
    try (Socket socket = TestHttp.RawStream.sendOnly(worker.port(), "/v1/chat/completions", CHAT)) {
      await().untilAsserted(() -> assertThat(worker.stats().inFlight()).isEqualTo(1));
      assertThat(socket.getInputStream().available()).isZero();
    }
    await().untilAsserted(() -> assertThat(worker.stats().cancelled()).isEqualTo(1));
    assertThat(worker.stats().inFlight()).isZero();
    worker.controls().hang(false);
    assertThat(post(worker.url() + "/v1/chat/completions", CHAT).statusCode()).isEqualTo(200);
  }

  @Test
  void dropMidStreamClosesTheConnectionAfterTheFirstEvent() {
    SimWorker worker = start(SimConfig.of("m").withNoLatency());
    worker.controls().dropMidStream(true);
    try (TestHttp.RawStream stream = new TestHttp.RawStream(worker.port(), "/generate",
        "{\"text\":\"drop\",\"stream\":true,\"sampling_params\":{\"max_new_tokens\":8}}")) {
      assertThat(stream.status()).isEqualTo(200);
      assertThat(stream.nextEvent()).contains("\"text\"");
      assertThat(stream.nextEvent()).isNull();
    }
    assertThat(worker.stats().completed()).isZero();
  }

  @Test
  void slowStartDelaysTheAnswer() {
    SimWorker worker = start(SimConfig.of("m").withNoLatency());
    worker.controls().slowStart(Duration.ofMillis(120));
    long start = System.nanoTime();
    assertThat(post(worker.url() + "/generate", "{\"text\":\"s\"}").statusCode()).isEqualTo(200);
    assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(120);
  }

  @Test
  void apiKeyGuardsInferenceAndAdminButNotHealth() {
    SimWorker worker = start(SimConfig.of("m").withNoLatency().withApiKey("secret"));
    assertThat(post(worker.url() + "/v1/chat/completions", CHAT).statusCode()).isEqualTo(401);
    assertThat(post(worker.url() + "/v1/chat/completions", CHAT, "Authorization", "Bearer wrong").statusCode())
        .isEqualTo(401);
    assertThat(post(worker.url() + "/flush_cache", "", "Authorization", "Bearer nope").statusCode()).isEqualTo(401);
    HttpResponse<String> ok = post(worker.url() + "/v1/chat/completions", CHAT, "Authorization", "Bearer secret");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).doesNotContain("secret");
    assertThat(get(worker.url() + "/health").statusCode()).isEqualTo(200);
    assertThat(get(worker.url() + "/get_server_info").body()).doesNotContain("secret");
  }

  @Test
  void openAiOnlyWorkerHasNoSglangEndpoints() {
    SimWorker worker = start(SimConfig.of("m").withNoLatency().withOpenAiOnly(true));
    assertThat(post(worker.url() + "/generate", "{\"text\":\"x\"}").statusCode()).isEqualTo(404);
    assertThat(get(worker.url() + "/get_server_info").statusCode()).isEqualTo(404);
    assertThat(get(worker.url() + "/get_model_info").statusCode()).isEqualTo(404);
    assertThat(get(worker.url() + "/v1/models").statusCode()).isEqualTo(200);
    assertThat(post(worker.url() + "/v1/chat/completions", CHAT).statusCode()).isEqualTo(200);
  }

  @Test
  void abortRequestStopsAStreamByRid() {
    SimWorker worker = start(SimConfig.of("m").withNoLatency());
    worker.controls().holdStreamsAfterFirstEvent(true);
    try (TestHttp.RawStream stream = new TestHttp.RawStream(worker.port(), "/generate",
        "{\"text\":\"abort me\",\"rid\":\"r-1\",\"stream\":true,\"sampling_params\":{\"max_new_tokens\":40}}")) {
      assertThat(json(stream.nextEvent()).path("meta_info").path("id").asText()).isEqualTo("r-1");
      HttpResponse<String> aborted = post(worker.url() + "/abort_request", "{\"rid\":\"r-1\"}");
      assertThat(json(aborted).path("aborted").asInt()).isEqualTo(1);
      List<String> rest = stream.rest();
      assertThat(rest).last().isEqualTo("[DONE]");
      assertThat(json(rest.get(rest.size() - 2)).path("meta_info").path("finish_reason").path("type").asText())
          .isEqualTo("abort");
    }
    assertThat(worker.stats().aborted()).isEqualTo(1);
    assertThat(worker.stats().generatedTokens()).isEqualTo(1);
    assertThat(json(post(worker.url() + "/abort_request", "{\"rid\":\"r-1\"}")).path("aborted").asInt()).isZero();
  }

  @Test
  void abortAllStopsEveryRequest() {
    SimWorker worker = start(SimConfig.of("m").withNoLatency());
    worker.controls().holdStreamsAfterFirstEvent(true);
    try (TestHttp.RawStream a = new TestHttp.RawStream(worker.port(), "/v1/chat/completions",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],\"stream\":true,\"max_tokens\":40}");
            TestHttp.RawStream b = new TestHttp.RawStream(worker.port(), "/v1/completions",
            "{\"prompt\":\"b\",\"stream\":true,\"max_tokens\":40}")) {
      assertThat(a.nextEvent()).isNotNull();
      assertThat(b.nextEvent()).isNotNull();
      assertThat(json(post(worker.url() + "/abort_request", "{\"abort_all\":true}")).path("aborted").asInt())
          .isEqualTo(2);
      assertThat(a.rest()).anyMatch(e -> e.contains("\"finish_reason\":\"abort\"")).last().isEqualTo("[DONE]");
      assertThat(b.rest()).anyMatch(e -> e.contains("\"finish_reason\":\"abort\"")).last().isEqualTo("[DONE]");
    }
    assertThat(worker.stats().aborted()).isEqualTo(2);
    assertThat(worker.stats().completed()).isZero();
  }

  @Test
  void aScriptedAnswerIsReturnedVerbatimThenStops() {
    SimWorker worker = start(SimConfig.of("m").withNoLatency());
    String script = "<think>\nshort thought\n</think>\n\n<tool_call>\n{\"name\": \"f\", \"arguments\": {}}\n</tool_call>";
    worker.controls().scriptOutput(script);
    JsonNode chat = json(post(worker.url() + "/v1/chat/completions",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":100}"));
    assertThat(chat.path("choices").get(0).path("message").path("content").asText()).isEqualTo(script);
    assertThat(chat.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
    assertThat(chat.path("usage").path("completion_tokens").asInt()).isEqualTo(10);

    StringBuilder streamed = new StringBuilder();
    for (String event : TestHttp.events(post(worker.url() + "/v1/chat/completions",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stream\":true}").body())) {
      if (!event.equals("[DONE]")) {
        streamed.append(json(event).path("choices").get(0).path("delta").path("content").asText(""));
      }
    }
    assertThat(streamed.toString()).isEqualTo(script);

    JsonNode cut = json(post(worker.url() + "/generate", "{\"text\":\"x\",\"sampling_params\":{\"max_new_tokens\":2}}"));
    assertThat(cut.path("text").asText()).isEqualTo("<think>\nshort");
    assertThat(cut.path("meta_info").path("finish_reason").path("type").asText()).isEqualTo("length");

    worker.controls().clearScript();
    assertThat(json(post(worker.url() + "/generate", "{\"text\":\"x\"}")).path("text").asText()).doesNotContain("think");
  }
}
