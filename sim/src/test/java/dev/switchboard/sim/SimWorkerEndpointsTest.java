package dev.switchboard.sim;

import static dev.switchboard.sim.TestHttp.get;
import static dev.switchboard.sim.TestHttp.json;
import static dev.switchboard.sim.TestHttp.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.sim.cache.SimChatFormat;
import dev.switchboard.sim.cache.SimTokens;
import dev.switchboard.sim.engine.SimOutput;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SimWorkerEndpointsTest {

  private static SimWorker worker;

  @BeforeAll
  static void start() {
    worker = SimWorker.start(SimConfig.of("test-model").withNoLatency().withWorkerId("w1"));
  }

  @AfterAll
  static void stop() {
    worker.close();
  }

  @Test
  void urlNamesTheBoundLoopbackPort() {
    assertThat(worker.port()).isPositive();
    assertThat(worker.url()).isEqualTo("http://127.0.0.1:" + worker.port());
  }

  @Test
  void healthAnswers200AndEveryResponseNamesTheWorker() {
    HttpResponse<String> health = get(worker.url() + "/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.headers().firstValue("x-served-by")).hasValue("w1");
    HttpResponse<String> missing = get(worker.url() + "/nope");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("x-served-by")).hasValue("w1");
    assertThat(get(worker.url() + "/health_generate").statusCode()).isEqualTo(200);
  }

  @Test
  void serverAndModelInfoNameTheModel() {
    JsonNode server = json(get(worker.url() + "/get_server_info"));
    assertThat(server.path("model_path").asText()).isEqualTo("test-model");
    assertThat(server.path("served_model_name").asText()).isEqualTo("test-model");
    assertThat(server.path("cache").has("prompt_tokens_total")).isTrue();
    assertThat(server.path("cache").has("cached_tokens_total")).isTrue();
    JsonNode model = json(get(worker.url() + "/get_model_info"));
    assertThat(model.path("model_path").asText()).isEqualTo("test-model");
    assertThat(model.path("is_generation").asBoolean()).isTrue();
  }

  @Test
  void modelsListsTheModelInOpenAiShape() {
    JsonNode models = json(get(worker.url() + "/v1/models"));
    assertThat(models.path("object").asText()).isEqualTo("list");
    assertThat(models.path("data")).hasSize(1);
    assertThat(models.path("data").get(0).path("id").asText()).isEqualTo("test-model");
    assertThat(models.path("data").get(0).path("object").asText()).isEqualTo("model");
  }

  @Test
  void loadReportsOneDpRank() {
    JsonNode load = json(get(worker.url() + "/get_load"));
    assertThat(load.isArray()).isTrue();
    assertThat(load).hasSize(1);
    assertThat(load.get(0).path("dp_rank").asInt()).isZero();
    assertThat(load.get(0).has("num_reqs")).isTrue();
    assertThat(load.get(0).has("num_waiting_reqs")).isTrue();
    assertThat(load.get(0).has("num_tokens")).isTrue();
  }

  @Test
  void generateAnswersInSglangNativeShape() {
    HttpResponse<String> response = post(worker.url() + "/generate",
        "{\"text\":\"hello there world\",\"sampling_params\":{\"max_new_tokens\":5}}");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = json(response);
    String text = body.path("text").asText();
    assertThat(text.split(" ")).hasSize(5).allMatch(SimOutput.vocabulary()::contains);
    JsonNode meta = body.path("meta_info");
    assertThat(meta.path("id").asText()).isNotEmpty();
    assertThat(meta.path("finish_reason").path("type").asText()).isEqualTo("length");
    assertThat(meta.path("prompt_tokens").asInt()).isEqualTo(3);
    assertThat(meta.path("completion_tokens").asInt()).isEqualTo(5);
    assertThat(meta.has("cached_tokens")).isTrue();
  }

  @Test
  void generateAcceptsInputIdsAndBatches() {
    JsonNode single = json(post(worker.url() + "/generate",
        "{\"input_ids\":[1,2,3,4],\"sampling_params\":{\"max_new_tokens\":2}}"));
    assertThat(single.path("meta_info").path("prompt_tokens").asInt()).isEqualTo(4);
    JsonNode batch = json(post(worker.url() + "/generate",
        "{\"text\":[\"a b\",\"c d e\"],\"sampling_params\":{\"max_new_tokens\":3}}"));
    assertThat(batch.isArray()).isTrue();
    assertThat(batch).hasSize(2);
    assertThat(batch.get(0).path("meta_info").path("prompt_tokens").asInt()).isEqualTo(2);
    assertThat(batch.get(1).path("meta_info").path("prompt_tokens").asInt()).isEqualTo(3);
    JsonNode ids = json(post(worker.url() + "/generate",
        "{\"input_ids\":[[1,2],[3,4,5]],\"sampling_params\":{\"max_new_tokens\":1}}"));
    assertThat(ids).hasSize(2);
  }

  @Test
  void generateStopsAtAStopString() {
    String prompt = "{\"text\":\"stop test\",\"sampling_params\":{\"max_new_tokens\":6}}";
    String full = json(post(worker.url() + "/generate", prompt)).path("text").asText();
    String third = full.split(" ")[2];
    JsonNode stopped = json(post(worker.url() + "/generate",
        "{\"text\":\"stop test\",\"sampling_params\":{\"max_new_tokens\":6,\"stop\":\"" + third + "\"}}"));
    assertThat(stopped.path("meta_info").path("finish_reason").path("type").asText()).isEqualTo("stop");
    assertThat(stopped.path("meta_info").path("finish_reason").path("matched").asText()).isEqualTo(third);
    assertThat(full).startsWith(stopped.path("text").asText());
    assertThat(stopped.path("text").asText()).doesNotContain(third);
  }

  @Test
  void outputIsDeterministicPerSeedAndPrompt() {
    String request = "{\"text\":\"the same prompt\",\"sampling_params\":{\"max_new_tokens\":12}}";
    String first = json(post(worker.url() + "/generate", request)).path("text").asText();
    String again = json(post(worker.url() + "/generate", request)).path("text").asText();
    assertThat(again).isEqualTo(first);
    try (SimWorker sameSeed = SimWorker.start(SimConfig.of("test-model").withNoLatency());
        SimWorker otherSeed = SimWorker.start(SimConfig.of("test-model").withNoLatency().withSeed(7))) {
      assertThat(json(post(sameSeed.url() + "/generate", request)).path("text").asText()).isEqualTo(first);
      assertThat(json(post(otherSeed.url() + "/generate", request)).path("text").asText()).isNotEqualTo(first);
    }
    String otherPrompt = json(post(worker.url() + "/generate",
        "{\"text\":\"another prompt\",\"sampling_params\":{\"max_new_tokens\":12}}")).path("text").asText();
    assertThat(otherPrompt).isNotEqualTo(first);
  }

  @Test
  void chatCompletionsAnswerInOpenAiShape() {
    JsonNode body = json(post(worker.url() + "/v1/chat/completions",
        "{\"model\":\"test-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}],"
            + "\"max_tokens\":9,\"max_completion_tokens\":4,\"n\":2}"));
    assertThat(body.path("object").asText()).isEqualTo("chat.completion");
    assertThat(body.path("id").asText()).startsWith("chatcmpl-");
    assertThat(body.path("model").asText()).isEqualTo("test-model");
    assertThat(body.path("choices")).hasSize(2);
    JsonNode choice = body.path("choices").get(0);
    assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
    assertThat(choice.path("message").path("content").asText().split(" ")).hasSize(4);
    assertThat(choice.path("finish_reason").asText()).isEqualTo("length");
    assertThat(body.path("choices").get(1).path("index").asInt()).isEqualTo(1);
    int promptTokens = SimChatFormat.tokenCount("user", "hi there");
    assertThat(body.path("usage").path("prompt_tokens").asInt()).isEqualTo(promptTokens);
    assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(8);
    assertThat(body.path("usage").path("total_tokens").asInt()).isEqualTo(promptTokens + 8);
    assertThat(body.path("usage").path("prompt_tokens_details").has("cached_tokens")).isTrue();
  }

  @Test
  void completionsAcceptAPromptList() {
    JsonNode body = json(post(worker.url() + "/v1/completions",
        "{\"model\":\"test-model\",\"prompt\":[\"one two\",\"three\"],\"max_tokens\":3}"));
    assertThat(body.path("object").asText()).isEqualTo("text_completion");
    assertThat(body.path("choices")).hasSize(2);
    assertThat(body.path("choices").get(1).path("text").asText().split(" ")).hasSize(3);
    assertThat(body.path("usage").path("prompt_tokens").asInt()).isEqualTo(3);
  }

  @Test
  void embeddingsAreDeterministicUnitVectors() {
    String request = "{\"model\":\"test-model\",\"input\":[\"alpha beta\",\"gamma\"]}";
    JsonNode first = json(post(worker.url() + "/v1/embeddings", request));
    JsonNode second = json(post(worker.url() + "/v1/embeddings", request));
    assertThat(first.path("data")).hasSize(2);
    JsonNode vector = first.path("data").get(0).path("embedding");
    assertThat(vector).hasSize(worker.config().embeddingDim());
    double norm = 0;
    for (JsonNode value : vector) {
      norm += value.asDouble() * value.asDouble();
    }
    assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
    assertThat(second.path("data")).isEqualTo(first.path("data"));
    assertThat(first.path("data").get(1).path("embedding")).isNotEqualTo(vector);
    assertThat(first.path("usage").path("prompt_tokens").asInt()).isEqualTo(3);
  }

  @Test
  void rerankScoresDocumentsSharingQueryWordsHigher() {
    JsonNode results = json(post(worker.url() + "/v1/rerank",
        "{\"query\":\"red apple\",\"documents\":[\"blue sky\",\"red apple pie\",\"green\"]}"));
    assertThat(results.isArray()).isTrue();
    assertThat(results).hasSize(3);
    assertThat(results.get(0).path("index").asInt()).isEqualTo(1);
    assertThat(results.get(0).path("document").asText()).isEqualTo("red apple pie");
    assertThat(results.get(0).path("score").asDouble()).isGreaterThan(results.get(1).path("score").asDouble());
  }

  @Test
  void responsesReturnAResponseObject() {
    JsonNode body = json(post(worker.url() + "/v1/responses",
        "{\"model\":\"test-model\",\"input\":\"tell me\",\"max_output_tokens\":3}"));
    assertThat(body.path("object").asText()).isEqualTo("response");
    assertThat(body.path("status").asText()).isEqualTo("completed");
    JsonNode text = body.path("output").get(0).path("content").get(0);
    assertThat(text.path("type").asText()).isEqualTo("output_text");
    assertThat(text.path("text").asText().split(" ")).hasSize(3);
    assertThat(body.path("usage").path("output_tokens").asInt()).isEqualTo(3);
  }

  @Test
  void malformedArrayAndEmptyBodiesAre400WithOpenAiError() {
    for (String body : List.of("{not json", "[1,2]", "")) {
      HttpResponse<String> response = post(worker.url() + "/v1/chat/completions", body);
      assertThat(response.statusCode()).as(body).isEqualTo(400);
      assertThat(json(response).path("error").path("message").asText()).isNotEmpty();
      assertThat(json(response).path("error").path("type").asText()).isEqualTo("invalid_request_error");
    }
    HttpResponse<String> missing = post(worker.url() + "/generate", "{\"sampling_params\":{}}");
    assertThat(missing.statusCode()).isEqualTo(400);
  }

  @Test
  void wrongMethodIs405() {
    assertThat(get(worker.url() + "/generate").statusCode()).isEqualTo(405);
  }

  @Test
  void recordsWhatItReceived() {
    worker.clearReceived();
    post(worker.url() + "/v1/completions", "{\"prompt\":\"recorded\",\"max_tokens\":1}",
        "X-Request-Id", "abc-123");
    RecordedRequest recorded = worker.received().stream()
        .filter(r -> r.path().equals("/v1/completions")).findFirst().orElseThrow();
    assertThat(recorded.method()).isEqualTo("POST");
    assertThat(recorded.header("x-request-id")).isEqualTo("abc-123");
    assertThat(recorded.bodyAsString()).contains("\"recorded\"");
    assertThat(worker.stats().requests("/v1/completions")).isPositive();
  }

  @Test
  void promptTokensFollowSimTokens() {
    String prompt = SimTokens.words(3, 37);
    JsonNode body = json(post(worker.url() + "/generate",
        "{\"text\":\"" + prompt + "\",\"sampling_params\":{\"max_new_tokens\":1}}"));
    assertThat(body.path("meta_info").path("prompt_tokens").asInt()).isEqualTo(37);
  }

  @Test
  void chatLogprobsFollowTheOpenAiShape() {
    JsonNode body = json(post(worker.url() + "/v1/chat/completions",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"lp\"}],\"max_tokens\":3,\"logprobs\":true,\"top_logprobs\":2}"));
    JsonNode choice = body.path("choices").get(0);
    JsonNode content = choice.path("logprobs").path("content");
    assertThat(content).hasSize(3);
    StringBuilder text = new StringBuilder();
    for (JsonNode entry : content) {
      text.append(entry.path("token").asText());
      assertThat(entry.path("logprob").asDouble()).isBetween(-5.0, 0.0);
      assertThat(entry.path("top_logprobs")).hasSize(2);
      assertThat(entry.path("top_logprobs").get(0).path("token").asText()).isEqualTo(entry.path("token").asText());
    }
    assertThat(text.toString()).isEqualTo(choice.path("message").path("content").asText());
    JsonNode plain = json(post(worker.url() + "/v1/chat/completions",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"lp\"}],\"max_tokens\":3}"));
    assertThat(plain.path("choices").get(0).path("logprobs").isNull()).isTrue();
  }

  @Test
  void completionLogprobsFollowTheLegacyShape() {
    JsonNode body = json(post(worker.url() + "/v1/completions", "{\"prompt\":\"lp\",\"max_tokens\":4,\"logprobs\":1}"));
    JsonNode logprobs = body.path("choices").get(0).path("logprobs");
    assertThat(logprobs.path("tokens")).hasSize(4);
    assertThat(logprobs.path("token_logprobs")).hasSize(4);
    assertThat(logprobs.path("top_logprobs").get(0).size()).isEqualTo(1);
    assertThat(logprobs.path("text_offset").get(1).asInt()).isEqualTo(logprobs.path("tokens").get(0).asText().length());
  }
}
