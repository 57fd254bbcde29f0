package dev.switchboard.gateway.router.grpc;

import static dev.switchboard.gateway.testing.GrpcFleet.IM_END;
import static dev.switchboard.gateway.testing.GrpcFleet.sim;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.switchboard.gateway.exchange.RequestFacts;
import dev.switchboard.gateway.testing.GrpcFleet;
import dev.switchboard.text.BundledTokenizers;
import dev.switchboard.text.Tokenizer;
import dev.switchboard.protocol.scheduler.AbortRequest;
import dev.switchboard.protocol.scheduler.GenerateRequest;
import dev.switchboard.sim.RecordedRequest;
import dev.switchboard.sim.SimRole;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Both gRPC routers end to end: gateway + simulated gRPC scheduler workers over loopback sockets. */
class GrpcRoutersTest {
  private static GrpcFleet regular;

  @BeforeAll
  static void startRegular() {
    regular = GrpcFleet.start(sim("m", SimRole.REGULAR)).awaitReady();
  }

  @AfterAll
  static void stopRegular() {
    regular.close();
  }

  @BeforeEach
  void resetSim() {
    regular.sim(0).controls().reset();
    regular.sim(0).clearReceived();
  }

  static JsonNode json(String s) throws Exception {
    return RequestFacts.JSON.readTree(s);
  }

  static String chat(String model, String text, boolean stream, String extra) {
    return "{\"model\":\"" + model + "\",\"stream\":" + stream + extra
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
  }

  /** The SSE events of a response body, without {@code [DONE]}, which must be the last event. */
  static List<JsonNode> events(String body) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    String[] parts = body.split("\n\n");
    assertThat(parts[parts.length - 1]).isEqualTo("data: [DONE]");
    for (int i = 0; i < parts.length - 1; i++) {
      assertThat(parts[i]).startsWith("data: ");
      out.add(json(parts[i].substring(6)));
    }
    return out;
  }

  static String streamedContent(List<JsonNode> events, int index) {
    StringBuilder b = new StringBuilder();
    for (JsonNode e : events) {
      for (JsonNode c : e.path("choices")) {
        if (c.path("index").asInt() == index && c.path("delta").has("content")) b.append(c.path("delta").path("content").asText());
      }
    }
    return b.toString();
  }

  static JsonNode finishOf(List<JsonNode> events, int index) {
    for (JsonNode e : events) {
      for (JsonNode c : e.path("choices")) {
        if (c.path("index").asInt() == index && !c.path("finish_reason").isNull()) return c;
      }
    }
    throw new AssertionError("no finish chunk for choice " + index);
  }

  @Test
  void chatNonStreamAndStreamAgreeThroughGrpcRegular() throws Exception {
    {
      GrpcFleet f = regular;
      HttpResponse<String> r = f.post("/v1/chat/completions", chat("m", "tell me a story", false, ",\"max_tokens\":40"));
      assertThat(r.statusCode()).isEqualTo(200);
      JsonNode body = json(r.body());
      assertThat(body.path("object").asText()).isEqualTo("chat.completion");
      JsonNode choice = body.path("choices").get(0);
      String content = choice.path("message").path("content").asText();
      assertThat(content).isNotBlank().doesNotContain("<|im_end|>");
      assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
      assertThat(choice.path("matched_stop").asInt()).isEqualTo(IM_END);
      // the worker got the rendered Qwen3 prompt as token ids, and usage counts exactly those
      GenerateRequest sent = generateRequests(f, 0).get(0);
      Tokenizer qwen = BundledTokenizers.qwen3();
      String prompt = qwen.decode(toArray(sent.getTokenized().getInputIdsList()), false);
      assertThat(prompt).isEqualTo("<|im_start|>user\ntell me a story<|im_end|>\n<|im_start|>assistant\n");
      assertThat(body.path("usage").path("prompt_tokens").asInt()).isEqualTo(sent.getTokenized().getInputIdsCount());
      assertThat(sent.getSamplingParams().getTemperature()).isEqualTo(1.0f);
      assertThat(sent.getSamplingParams().getTopK()).isEqualTo(-1);
      assertThat(sent.getSamplingParams().getMaxNewTokens()).isEqualTo(40);
      assertThat(sent.getSamplingParams().getSkipSpecialTokens()).isTrue();

      HttpResponse<String> s = f.post("/v1/chat/completions", chat("m", "tell me a story", true,
          ",\"max_completion_tokens\":40,\"stream_options\":{\"include_usage\":true}"));
      assertThat(s.statusCode()).isEqualTo(200);
      assertThat(s.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
      List<JsonNode> events = events(s.body());
      assertThat(events.get(0).path("choices").get(0).path("delta").path("role").asText()).isEqualTo("assistant");
      assertThat(streamedContent(events, 0)).isEqualTo(content);
      assertThat(finishOf(events, 0).path("finish_reason").asText()).isEqualTo("stop");
      JsonNode usage = events.get(events.size() - 1).path("usage");
      assertThat(usage.path("completion_tokens").asInt()).isEqualTo(body.path("usage").path("completion_tokens").asInt());
    }
  }

  @Test
  void streamedChunksAreByteForByteWhatJacksonWritesForThem() throws Exception {
    // text deltas are written without a tree: each event must be exactly the tree's serialisation (field order too)
    HttpResponse<String> s = regular.post("/v1/chat/completions", chat("m", "tell me a story", true, ",\"max_tokens\":40"));
    assertThat(s.statusCode()).isEqualTo(200);
    String[] parts = s.body().split("\n\n");
    assertThat(parts.length).isGreaterThan(3);
    for (int i = 0; i < parts.length - 1; i++) {
      String raw = parts[i].substring("data: ".length());
      assertThat(raw).isEqualTo(RequestFacts.JSON.writeValueAsString(json(raw)));
    }
  }

  @Test
  void chatThroughGrpcPdPairsPrefillAndDecodeWithOneBootstrapRoom() throws Exception {
    try (GrpcFleet f = GrpcFleet.start(sim("m", SimRole.PREFILL), sim("m", SimRole.DECODE)).awaitReady()) {
      HttpResponse<String> r = f.post("/v1/chat/completions", chat("m", "hello pd", false, ",\"max_tokens\":12"));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(json(r.body()).path("choices").get(0).path("message").path("content").asText()).isNotBlank();
      HttpResponse<String> s = f.post("/v1/chat/completions", chat("m", "hello pd", true, ",\"max_tokens\":12"));
      assertThat(streamedContent(events(s.body()), 0))
          .isEqualTo(json(r.body()).path("choices").get(0).path("message").path("content").asText());
      GenerateRequest toPrefill = generateRequests(f, 0).get(0);
      GenerateRequest toDecode = generateRequests(f, 1).get(0);
      assertThat(toPrefill).isEqualTo(toDecode);
      assertThat(toPrefill.getDisaggregatedParams().getBootstrapHost()).isEqualTo("127.0.0.1");
      assertThat(toPrefill.getDisaggregatedParams().getBootstrapPort()).isEqualTo(f.sim(0).bootstrapPort());
      assertThat(toPrefill.getDisaggregatedParams().getBootstrapRoom()).isNotNegative();
      assertThat(f.sim(0).bootstrapRoomsRegistered()).isEqualTo(2);

      // input logprobs asked for: the answer waits for the prefill's Complete and carries one entry per prompt token
      JsonNode gen = json(f.post("/generate", "{\"input_ids\":[9707,11,1879],\"return_logprob\":true,"
          + "\"sampling_params\":{\"max_new_tokens\":4,\"ignore_eos\":true}}").body());
      assertThat(gen.path("meta_info").path("input_token_logprobs")).hasSize(3);
      assertThat(gen.path("meta_info").path("output_token_logprobs")).hasSize(4);
    }
  }

  @Test
  void chatLogprobsCarryTokensAndTopAlternatives() throws Exception {
    GrpcFleet f = regular;
    String extra = ",\"max_tokens\":5,\"ignore_eos\":true,\"logprobs\":true,\"top_logprobs\":2";
    JsonNode choice = json(f.post("/v1/chat/completions", chat("m", "logprobs", false, extra)).body()).path("choices").get(0);
    JsonNode content = choice.path("logprobs").path("content");
    assertThat(content).hasSize(5);
    StringBuilder tokens = new StringBuilder();
    for (JsonNode entry : content) {
      assertThat(entry.path("logprob").asDouble()).isLessThanOrEqualTo(0.0);
      assertThat(entry.path("top_logprobs").size()).isLessThanOrEqualTo(2);
      tokens.append(entry.path("token").asText());
    }
    assertThat(tokens.toString()).isEqualTo(choice.path("message").path("content").asText());
    GenerateRequest sent = generateRequests(f, 0).get(0);
    assertThat(sent.getReturnLogprob()).isTrue();
    assertThat(sent.getTopLogprobsNum()).isEqualTo(2);
    assertThat(sent.getLogprobStartLen()).isEqualTo(-1);
  }

  @Test
  void bigPromptsArePreparedOffTheEventLoopAndStillServed() throws Exception {
    GrpcFleet f = regular;
    String big = "The quick brown fox jumps over the lazy dog. ".repeat(80);
    assertThat(big.length()).isGreaterThan(GrpcRouter.INLINE_PREPARE_BYTES);
    HttpResponse<String> r = f.post("/v1/chat/completions", chat("m", big, false, ",\"max_tokens\":4"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    GenerateRequest sent = generateRequests(f, 0).get(0);
    assertThat(sent.getTokenized().getOriginalText()).contains(big);
    assertThat(json(r.body()).path("usage").path("prompt_tokens").asInt()).isEqualTo(sent.getTokenized().getInputIdsCount());
  }

  @Test
  void nGreaterThanOneStreamsEveryChoice() throws Exception {
    {
      GrpcFleet f = regular;
      JsonNode body = json(f.post("/v1/chat/completions", chat("m", "two please", false, ",\"n\":2,\"max_tokens\":6")).body());
      assertThat(body.path("choices")).hasSize(2);
      List<JsonNode> events = events(f.post("/v1/chat/completions", chat("m", "two please", true, ",\"n\":2,\"max_tokens\":6")).body());
      for (int i = 0; i < 2; i++) {
        assertThat(streamedContent(events, i)).isEqualTo(body.path("choices").get(i).path("message").path("content").asText());
        assertThat(finishOf(events, i).path("finish_reason").asText()).isIn("stop", "length");
      }
    }
  }

  @Test
  void stopStringSpanningTokensIsCutInBothModes() throws Exception {
    {
      GrpcFleet f = regular;
      String full = json(f.post("/v1/chat/completions", chat("m", "stop test", false, ",\"max_tokens\":12,\"ignore_eos\":true")).body())
          .path("choices").get(0).path("message").path("content").asText();
      // the sim emits one word per token (" word"): a stop string across the second and third word boundary
      int second = full.indexOf(' ', full.indexOf(' ', 1) + 1);
      assertThat(second).isPositive().isLessThan(full.length() - 2);
      String stop = full.substring(second - 1, second + 2);
      String expected = full.substring(0, full.indexOf(stop));
      String extra = ",\"max_tokens\":12,\"ignore_eos\":true,\"stop\":\"" + stop + "\"";
      JsonNode choice = json(f.post("/v1/chat/completions", chat("m", "stop test", false, extra)).body()).path("choices").get(0);
      assertThat(choice.path("message").path("content").asText()).isEqualTo(expected);
      assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
      assertThat(choice.path("matched_stop").asText()).isEqualTo(stop);
      List<JsonNode> events = events(f.post("/v1/chat/completions", chat("m", "stop test", true, extra)).body());
      assertThat(streamedContent(events, 0)).isEqualTo(expected);
      assertThat(finishOf(events, 0).path("matched_stop").asText()).isEqualTo(stop);
    }
  }

  @Test
  void eosEndsWithStopAndIgnoreEosRunsToTheLimit() throws Exception {
    {
      GrpcFleet f = regular;
      JsonNode eos = json(f.post("/generate", "{\"text\":\"hi\",\"sampling_params\":{\"max_new_tokens\":100}}").body());
      assertThat(eos.path("meta_info").path("finish_reason").path("type").asText()).isEqualTo("stop");
      assertThat(eos.path("meta_info").path("finish_reason").path("matched").asInt()).isEqualTo(IM_END);
      ArrayNode ids = (ArrayNode) eos.path("output_ids");
      assertThat(ids.get(ids.size() - 1).asInt()).isEqualTo(IM_END);
      int[] words = new int[ids.size() - 1];
      for (int i = 0; i < words.length; i++) words[i] = ids.get(i).asInt();
      assertThat(eos.path("text").asText()).isEqualTo(BundledTokenizers.qwen3().decode(words, true));

      JsonNode length = json(f.post("/generate", "{\"input_ids\":[9707],\"sampling_params\":{\"max_new_tokens\":30,\"ignore_eos\":true}}").body());
      assertThat(length.path("meta_info").path("finish_reason").path("type").asText()).isEqualTo("length");
      assertThat(length.path("meta_info").path("completion_tokens").asInt()).isEqualTo(30);
      assertThat(length.path("output_ids")).hasSize(30).noneMatch(n -> n.asInt() == IM_END);
    }
  }

  @Test
  void streamsLongerThanTheFlowControlWindowArriveWhole() throws Exception {
    int tokens = 10 * dev.switchboard.gateway.grpc.GrpcWorkerClient.MESSAGE_WINDOW;
    String body = chat("m", "a long answer", true,
        ",\"max_tokens\":" + tokens + ",\"ignore_eos\":true,\"stream_options\":{\"include_usage\":true}");
    List<JsonNode> events = events(regular.post("/v1/chat/completions", body).body());
    JsonNode usage = events.get(events.size() - 1).path("usage");
    assertThat(usage.path("completion_tokens").asInt()).isEqualTo(tokens);
    assertThat(finishOf(events, 0).path("finish_reason").asText()).isEqualTo("length");
  }

  @Test
  void clientDisconnectAbortsTheWorkersRequest() throws Exception {
    {
      GrpcFleet f = regular;
      f.sim(0).controls().holdStreamsAfterFirstEvent(true);
      HttpRequest req = HttpRequest.newBuilder(f.uri("/v1/chat/completions")).timeout(Duration.ofSeconds(30))
          .header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(chat("m", "a long one", true, ",\"max_tokens\":500,\"ignore_eos\":true"))).build();
      HttpResponse<Stream<String>> r = f.http().send(req, HttpResponse.BodyHandlers.ofLines());
      var lines = r.body().iterator();
      assertThat(lines.next()).startsWith("data: {");
      r.body().close();
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        // Exactly one Abort names this request (a late Abort of an earlier test on the shared fleet may also arrive).
        String requested = generateRequests(f, 0).get(0).getRequestId();
        List<String> abortedIds = new java.util.ArrayList<>();
        for (RecordedRequest x : f.sim(0).received()) {
          if (x.path().endsWith("/Abort")) abortedIds.add(AbortRequest.parseFrom(x.body()).getRequestId());
        }
        assertThat(abortedIds).containsOnlyOnce(requested);
      });
      await().atMost(Duration.ofSeconds(5)).until(() -> f.sim(0).stats().inFlight() == 0);
      assertThat(f.sim(0).stats().cancelled() + f.sim(0).stats().aborted()).isPositive();
    }
  }

  @Test
  void workerErrorsBecomeOpenAiErrors() throws Exception {
    {
      GrpcFleet f = regular;
      f.sim(0).controls().failNext(1, 503);
      HttpResponse<String> r = f.post("/v1/chat/completions", chat("m", "fail", false, ""));
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(json(r.body()).path("error").path("message").asText()).contains("injected fault 503");

      f.sim(0).controls().failNext(1, 500);
      HttpResponse<String> s = f.post("/v1/chat/completions", chat("m", "fail", true, ""));
      assertThat(s.statusCode()).isEqualTo(500);
      assertThat(json(s.body()).path("error").path("type").asText()).isEqualTo("internal_error");

      f.sim(0).controls().dropMidStream(true);
      HttpResponse<String> d = f.post("/v1/chat/completions", chat("m", "drop", true, ",\"max_tokens\":20,\"ignore_eos\":true"));
      assertThat(d.statusCode()).isEqualTo(200);
      String[] parts = d.body().split("\n\n");
      assertThat(parts[parts.length - 1]).isEqualTo("data: [DONE]");
      assertThat(json(parts[parts.length - 2].substring(6)).path("error").path("message").asText()).contains("dropped");
    }
  }

  @Test
  void invalidRequestsAreRejectedBeforeAnyWorkerIsAsked() throws Exception {
    {
      GrpcFleet f = regular;
      assertThat(error(f, chat("m", "x", false, ",\"temperature\":5"))).contains("temperature");
      assertThat(error(f, chat("m", "x", false, ",\"max_tokens\":-1"))).contains("max_tokens");
      assertThat(error(f, chat("m", "x", false, ",\"response_format\":{\"type\":\"json_object\"},\"regex\":\"a+\"")))
          .isEqualTo("Multiple constraints are not allowed.");
      assertThat(error(f, "{\"model\":\"m\",\"messages\":[]}")).contains("messages");
      assertThat(error(f, chat("m", "x", false, ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],"
          + "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"g\"}}"))).contains("'g'");
      assertThat(generateRequests(f, 0)).isEmpty();
    }
  }

  @Test
  void completionsAndEmbeddingsAreServed() throws Exception {
    {
      GrpcFleet f = regular;
      JsonNode c = json(f.post("/v1/completions", "{\"model\":\"m\",\"prompt\":\"Once upon\",\"max_tokens\":5,\"ignore_eos\":true}").body());
      assertThat(c.path("object").asText()).isEqualTo("text_completion");
      assertThat(c.path("choices").get(0).path("text").asText()).isNotBlank();
      assertThat(c.path("usage").path("completion_tokens").asInt()).isEqualTo(5);
      HttpResponse<String> e = f.post("/v1/embeddings", "{\"model\":\"m\",\"input\":[\"a\",\"b c\"]}");
      assertThat(e.statusCode()).as(e.body()).isEqualTo(200);
      JsonNode emb = json(e.body());
      assertThat(emb.path("data")).hasSize(2);
      assertThat(emb.path("data").get(1).path("embedding").size()).isEqualTo(f.sim(0).config().embeddingDim());
    }
  }

  private static String error(GrpcFleet f, String body) throws Exception {
    HttpResponse<String> r = f.post("/v1/chat/completions", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    return json(r.body()).path("error").path("message").asText();
  }

  static List<GenerateRequest> generateRequests(GrpcFleet f, int sim) {
    return f.sim(sim).received().stream().filter(x -> x.path().endsWith("/Generate")).map(x -> {
      try {
        return GenerateRequest.parseFrom(x.body());
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }).toList();
  }

  static int[] toArray(List<Integer> ids) {
    return ids.stream().mapToInt(Integer::intValue).toArray();
  }

}
