package dev.switchboard.sim;

import static dev.switchboard.sim.TestHttp.events;
import static dev.switchboard.sim.TestHttp.json;
import static dev.switchboard.sim.TestHttp.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SimPdPairingTest {

  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static SimWorker prefill;
  private static SimWorker decode;
  private static SimWorker impatientDecode;

  @BeforeAll
  static void start() {
    prefill = SimWorker.start(SimConfig.of("pd").withNoLatency().withRole(SimRole.PREFILL).withWorkerId("p1"));
    decode = SimWorker.start(SimConfig.of("pd").withNoLatency().withRole(SimRole.DECODE).withWorkerId("d1")
        .withBootstrapTimeout(Duration.ofSeconds(5)));
    impatientDecode = SimWorker.start(SimConfig.of("pd").withNoLatency().withRole(SimRole.DECODE)
        .withBootstrapTimeout(Duration.ofMillis(200)));
  }

  @AfterAll
  static void stop() {
    prefill.close();
    decode.close();
    impatientDecode.close();
  }

  private static String bootstrap(long room) {
    return "\"bootstrap_host\":\"127.0.0.1\",\"bootstrap_port\":" + prefill.bootstrapPort() + ",\"bootstrap_room\":" + room;
  }

  private static CompletableFuture<HttpResponse<String>> postAsync(String url, String body) {
    return CLIENT.sendAsync(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Sends the same body to prefill and decode concurrently, as a PD router does. */
  private static List<HttpResponse<String>> pair(SimWorker decodeWorker, String path, String body) {
    CompletableFuture<HttpResponse<String>> p = postAsync(prefill.url() + path, body);
    CompletableFuture<HttpResponse<String>> d = postAsync(decodeWorker.url() + path, body);
    return List.of(p.join(), d.join());
  }

  @Test
  void prefillExposesItsBootstrapPort() {
    assertThat(prefill.bootstrapPort()).isPositive().isNotEqualTo(prefill.port());
    assertThat(json(TestHttp.get(prefill.url() + "/get_server_info")).path("disaggregation_bootstrap_port").asInt())
        .isEqualTo(prefill.bootstrapPort());
    assertThat(decode.bootstrapPort()).isZero();
  }

  @Test
  void aCorrectlyPairedRequestSucceedsAndDecodeProducesTheTokens() {
    List<HttpResponse<String>> responses = pair(decode, "/generate",
        "{\"text\":\"paired prompt\",\"sampling_params\":{\"max_new_tokens\":6}," + bootstrap(101) + "}");
    assertThat(responses.get(0).statusCode()).isEqualTo(200);
    assertThat(responses.get(1).statusCode()).isEqualTo(200);
    assertThat(responses.get(1).headers().firstValue("x-served-by")).hasValue("d1");
    assertThat(json(responses.get(0)).path("meta_info").path("completion_tokens").asInt()).isEqualTo(1);
    JsonNode decoded = json(responses.get(1));
    assertThat(decoded.path("meta_info").path("completion_tokens").asInt()).isEqualTo(6);
    assertThat(decoded.path("text").asText().split(" ")).hasSize(6);
  }

  @Test
  void decodeWaitsForThePrefillToSeeTheRoom() {
    CompletableFuture<HttpResponse<String>> decoding = postAsync(decode.url() + "/v1/chat/completions",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"wait\"}],\"max_tokens\":3," + bootstrap(202) + "}");
    long generatedBefore = decode.stats().generatedTokens();
    await().untilAsserted(() -> assertThat(decode.stats().inFlight()).isEqualTo(1));
    assertThat(decoding).isNotDone();
    assertThat(decode.stats().generatedTokens()).isEqualTo(generatedBefore);
    HttpResponse<String> prefilled = post(prefill.url() + "/v1/chat/completions",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"wait\"}],\"max_tokens\":3," + bootstrap(202) + "}");
    assertThat(prefilled.statusCode()).isEqualTo(200);
    HttpResponse<String> decoded = decoding.join();
    assertThat(decoded.statusCode()).isEqualTo(200);
    assertThat(json(decoded).path("usage").path("completion_tokens").asInt()).isEqualTo(3);
  }

  @Test
  void aMismatchedRoomFailsNamingHostPortAndRoom() {
    post(prefill.url() + "/generate", "{\"text\":\"x\"," + bootstrap(301) + "}");
    HttpResponse<String> decoded = post(impatientDecode.url() + "/generate", "{\"text\":\"x\"," + bootstrap(302) + "}");
    assertThat(decoded.statusCode()).isEqualTo(500);
    String message = json(decoded).path("error").path("message").asText();
    assertThat(message).contains("127.0.0.1").contains(String.valueOf(prefill.bootstrapPort())).contains("302");
    assertThat(impatientDecode.stats().bootstrapFailures()).isPositive();
  }

  @Test
  void theWrongBootstrapPortFails() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String body = "{\"text\":\"x\",\"bootstrap_host\":\"127.0.0.1\",\"bootstrap_port\":" + closedPort
        + ",\"bootstrap_room\":401}";
    List<HttpResponse<String>> responses = pair(impatientDecode, "/generate", body);
    assertThat(responses.get(0).statusCode()).isEqualTo(200);
    assertThat(responses.get(1).statusCode()).isEqualTo(500);
    assertThat(json(responses.get(1)).path("error").path("message").asText())
        .contains(String.valueOf(closedPort)).contains("401");
  }

  @Test
  void decodeOnlyFails() {
    HttpResponse<String> decoded = post(impatientDecode.url() + "/v1/completions",
        "{\"prompt\":\"alone\"," + bootstrap(501) + "}");
    assertThat(decoded.statusCode()).isEqualTo(500);
    assertThat(json(decoded).path("error").path("message").asText()).contains("has not seen bootstrap_room 501");
  }

  @Test
  void missingBootstrapFieldsAreRejectedOnBothSides() {
    for (SimWorker worker : List.of(prefill, decode)) {
      HttpResponse<String> response = post(worker.url() + "/generate", "{\"text\":\"no fields\"}");
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(json(response).path("error").path("message").asText()).contains("bootstrap_room");
    }
    HttpResponse<String> noHost = post(prefill.url() + "/generate", "{\"text\":\"x\",\"bootstrap_room\":5}");
    assertThat(json(noHost).path("error").path("message").asText()).contains("bootstrap_host");
  }

  @Test
  void aNullBootstrapPortMeansSglangsDefault() {
    HttpResponse<String> decoded = post(impatientDecode.url() + "/generate",
        "{\"text\":\"x\",\"bootstrap_host\":\"127.0.0.1\",\"bootstrap_port\":null,\"bootstrap_room\":601}");
    assertThat(decoded.statusCode()).isEqualTo(500);
    assertThat(json(decoded).path("error").path("message").asText()).contains("8998");
  }

  @Test
  void batchesCarryOneRoomPerElement() {
    int port = prefill.bootstrapPort();
    String body = "{\"text\":[\"first prompt\",\"second prompt\"],\"sampling_params\":{\"max_new_tokens\":2},"
        + "\"bootstrap_host\":[\"127.0.0.1\",\"127.0.0.1\"],\"bootstrap_port\":[" + port + "," + port + "],"
        + "\"bootstrap_room\":[701,702]}";
    List<HttpResponse<String>> responses = pair(decode, "/generate", body);
    assertThat(responses.get(1).statusCode()).isEqualTo(200);
    assertThat(json(responses.get(1))).hasSize(2);

    post(prefill.url() + "/generate", body.replace("702]", "703]"));
    HttpResponse<String> halfPaired = post(impatientDecode.url() + "/generate", body.replace("701,702", "701,704"));
    assertThat(halfPaired.statusCode()).isEqualTo(500);
    assertThat(json(halfPaired).path("error").path("message").asText()).contains("704");

    HttpResponse<String> wrongCount = post(prefill.url() + "/generate", body.replace("[701,702]", "[701]"));
    assertThat(wrongCount.statusCode()).isEqualTo(400);
  }

  @Test
  void chatWithSeveralChoicesPairsEveryChoice() {
    int port = prefill.bootstrapPort();
    String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"n two\"}],\"n\":2,\"max_tokens\":2,"
        + "\"bootstrap_host\":[\"127.0.0.1\",\"127.0.0.1\"],\"bootstrap_port\":[" + port + "," + port + "],"
        + "\"bootstrap_room\":[801,802]}";
    List<HttpResponse<String>> responses = pair(decode, "/v1/chat/completions", body);
    assertThat(responses.get(1).statusCode()).isEqualTo(200);
    assertThat(json(responses.get(1)).path("choices")).hasSize(2);
  }

  @Test
  void aFailedDecodeStreamSendsAnSseErrorEventThenDone() {
    HttpResponse<String> decoded = post(impatientDecode.url() + "/generate",
        "{\"text\":\"x\",\"stream\":true," + bootstrap(901) + "}");
    List<String> events = events(decoded.body());
    assertThat(events).hasSize(2);
    assertThat(json(events.get(0)).path("error").path("message").asText()).contains("901");
    assertThat(events.get(1)).isEqualTo("[DONE]");
  }

  @Test
  void prefillAndDecodeReportInputLogprobsForTheMerge() {
    List<HttpResponse<String>> responses = pair(decode, "/generate",
        "{\"text\":\"one two three four\",\"return_logprob\":true,\"sampling_params\":{\"max_new_tokens\":2},"
            + bootstrap(1001) + "}");
    JsonNode prefillLogprobs = json(responses.get(0)).path("meta_info").path("input_token_logprobs");
    JsonNode decodeLogprobs = json(responses.get(1)).path("meta_info").path("input_token_logprobs");
    assertThat(prefillLogprobs).hasSize(4);
    assertThat(prefillLogprobs.get(0).get(0).isNull()).isTrue();
    assertThat(decodeLogprobs).hasSize(1);
    assertThat(decodeLogprobs.get(0).get(1)).isEqualTo(prefillLogprobs.get(3).get(1));
  }

  @Test
  void streamingPrefillAndDecodeBothWork() {
    List<HttpResponse<String>> responses = pair(decode, "/generate",
        "{\"text\":\"stream pair\",\"stream\":true,\"sampling_params\":{\"max_new_tokens\":3}," + bootstrap(1101) + "}");
    List<String> prefillEvents = events(responses.get(0).body());
    List<String> decodeEvents = events(responses.get(1).body());
    assertThat(prefillEvents).hasSize(2).last().isEqualTo("[DONE]");
    assertThat(decodeEvents).hasSize(4).last().isEqualTo("[DONE]");
    assertThat(json(decodeEvents.get(2)).path("meta_info").path("completion_tokens").asInt()).isEqualTo(3);
  }

  @Test
  void manyConcurrentPairsAllPair() {
    List<CompletableFuture<HttpResponse<String>>> decodes = new ArrayList<>();
    List<CompletableFuture<HttpResponse<String>>> prefills = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      String body = "{\"text\":\"concurrent " + i + "\",\"sampling_params\":{\"max_new_tokens\":2},"
          + bootstrap(20_000 + i) + "}";
      decodes.add(postAsync(decode.url() + "/generate", body));
      prefills.add(postAsync(prefill.url() + "/generate", body));
    }
    assertThat(decodes).allSatisfy(f -> assertThat(f.join().statusCode()).isEqualTo(200));
    assertThat(prefills).allSatisfy(f -> assertThat(f.join().statusCode()).isEqualTo(200));
  }
}
