package dev.switchboard.gateway.router.http;

import static dev.switchboard.gateway.testing.Fleet.chat;
import static dev.switchboard.gateway.testing.Fleet.sim;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.exchange.RequestFacts;
import dev.switchboard.gateway.testing.Fleet;
import dev.switchboard.gateway.testing.Fleet.SimSpec;
import dev.switchboard.gateway.worker.WorkerSpec;
import dev.switchboard.sim.RecordedRequest;
import dev.switchboard.sim.SimWorker;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The HTTP regular router end to end: gateway + simulated workers over loopback sockets. */
class HttpRegularRouterTest {

  private static JsonNode json(String s) throws Exception {
    return RequestFacts.JSON.readTree(s);
  }

  @Test
  void forwardsChatAndRelaysTheWorkersAnswer() throws Exception {
    try (Fleet f = Fleet.start(sim("m")).awaitReady()) {
      HttpResponse<String> r = f.post("/v1/chat/completions", chat("m", "hello there", false));
      assertThat(r.statusCode()).isEqualTo(200);
      JsonNode body = json(r.body());
      assertThat(body.path("object").asText()).isEqualTo("chat.completion");
      assertThat(body.path("choices").get(0).path("message").path("content").asText()).isNotEmpty();
      assertThat(r.headers().firstValue("x-served-by")).contains(f.sim(0).workerId());
      // the worker got the client's bytes unchanged
      RecordedRequest seen = lastInference(f.sim(0));
      assertThat(seen.path()).isEqualTo("/v1/chat/completions");
      assertThat(seen.bodyAsString()).isEqualTo(chat("m", "hello there", false));
    }
  }

  @Test
  void everyEndpointReachesTheWorkerPathItNames() throws Exception {
    try (Fleet f = Fleet.start(sim("m")).awaitReady()) {
      assertThat(f.post("/generate", "{\"text\":\"hi\",\"sampling_params\":{\"max_new_tokens\":4}}").statusCode()).isEqualTo(200);
      assertThat(f.post("/v1/completions", "{\"model\":\"m\",\"prompt\":\"hi\",\"max_tokens\":4}").statusCode()).isEqualTo(200);
      assertThat(f.post("/v1/embeddings", "{\"model\":\"m\",\"input\":\"hi\"}").statusCode()).isEqualTo(200);
      assertThat(f.post("/rerank", "{\"model\":\"m\",\"query\":\"q\",\"documents\":[\"a\",\"b\"]}").statusCode()).isEqualTo(200);
      List<String> paths = f.sim(0).received().stream().map(RecordedRequest::path).toList();
      assertThat(paths).contains("/generate", "/v1/completions", "/v1/embeddings", "/v1/rerank");
    }
  }

  @Test
  void streamReachesTheClientBeforeTheWorkerHasFinished() throws Exception {
    try (Fleet f = Fleet.start(sim("m")).awaitReady()) {
      f.sim(0).controls().holdStreamsAfterFirstEvent(true);
      HttpRequest req = HttpRequest.newBuilder(f.uri("/v1/chat/completions")).timeout(Duration.ofSeconds(30))
          .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(chat("m", "stream please", true))).build();
      HttpResponse<Stream<String>> r = f.http().send(req, HttpResponse.BodyHandlers.ofLines());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
      var lines = r.body().iterator();
      String first = lines.next();
      assertThat(first).startsWith("data: {");
      // the worker is still holding the rest of the stream: the first event was relayed, not buffered
      assertThat(f.sim(0).stats().completed()).isZero();
      assertThat(f.sim(0).stats().inFlight()).isEqualTo(1);
      f.sim(0).controls().releaseStreams();
      String last = first;
      while (lines.hasNext()) {
        String line = lines.next();
        if (!line.isEmpty()) last = line;
      }
      assertThat(last).isEqualTo("data: [DONE]");
    }
  }

  @Test
  void requestIdIsKeptOrCreatedAndReturnedWhileTheWorkerGetsTheGatewaysOwnId() throws Exception {
    try (Fleet f = Fleet.start(sim("m")).awaitReady()) {
      HttpResponse<String> given = f.post("/v1/chat/completions", chat("m", "a", false), "x-request-id", "my-id-123");
      assertThat(given.headers().firstValue("x-request-id")).contains("my-id-123");
      String upstream = lastInference(f.sim(0)).header("x-request-id");
      assertThat(upstream).startsWith("sb-").isNotEqualTo("my-id-123"); // a client's id never names a worker's request

      HttpResponse<String> created = f.post("/v1/chat/completions", chat("m", "b", false));
      String id = created.headers().firstValue("x-request-id").orElseThrow();
      assertThat(id).startsWith("chatcmpl-").hasSize("chatcmpl-".length() + 24);
      assertThat(lastInference(f.sim(0)).header("x-request-id")).startsWith("sb-").isNotEqualTo(upstream);

      HttpResponse<String> error = f.post("/v1/chat/completions", "{not json", "x-request-id", "bad-one");
      assertThat(error.headers().firstValue("x-request-id")).contains("bad-one");
      assertThat(f.get("/v1/models").headers().firstValue("x-request-id")).isPresent();
    }
  }

  @Test
  void hopByHopHeadersAndTheClientsKeyStayBehindAndTheWorkersKeyIsSent() throws Exception {
    SimSpec keyed = new SimSpec(sim("m").withApiKey("worker-secret"), w -> w.withApiKey("worker-secret"));
    try (Fleet f = Fleet.start(List.of(keyed), g -> g.withApiKey("gateway-secret"), Map.of()).awaitReady()) {
      String body = chat("m", "headers", false);
      String raw = "POST /v1/chat/completions HTTP/1.1\r\n"
          + "Host: 127.0.0.1\r\n"
          + "Authorization: Bearer gateway-secret\r\n"
          + "Connection: keep-alive, x-hop\r\n"
          + "x-hop: drop me\r\n"
          + "Keep-Alive: timeout=5\r\n"
          + "Proxy-Authorization: Basic abc\r\n"
          + "TE: trailers\r\n"
          + "x-custom: kept\r\n"
          + "Content-Type: application/json\r\n"
          + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
      String status = rawExchange(f.gateway().port(), raw);
      assertThat(status).startsWith("HTTP/1.1 200");

      RecordedRequest seen = lastInference(f.sim(0));
      assertThat(seen.header("authorization")).isEqualTo("Bearer worker-secret");
      assertThat(seen.header("x-custom")).isEqualTo("kept");
      for (String dropped : List.of("x-hop", "keep-alive", "proxy-authorization", "te")) {
        assertThat(seen.header(dropped)).as(dropped).isNull();
      }
      assertThat(seen.header("host")).isNotEqualTo("127.0.0.1");

      HttpResponse<String> noKey = f.post("/v1/chat/completions", body);
      assertThat(noKey.statusCode()).isEqualTo(401);
      assertThat(json(noKey.body()).path("error").path("type").asText()).isEqualTo("authentication_error");
      assertThat(f.get("/health").statusCode()).isEqualTo(200); // status routes stay open
    }
  }

  private static String rawExchange(int port, String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = s.getInputStream();
      return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
    }
  }

  @Test
  void badBodiesGetOpenAiStyle400sAndTheGatewayKeepsServing() throws Exception {
    try (Fleet f = Fleet.start(sim("m")).awaitReady()) {
      Map<String, String> cases = Map.of(
          "{\"model\": \"m\", \"messages\": [", "not valid JSON",
          "[{\"model\": \"m\"}]", "must be a JSON object, not an array",
          "", "request body is empty",
          "{\"model\": 42}", "'model' must be a string",
          "{\"model\": \"m\", \"stream\": \"yes\"}", "'stream' must be a boolean",
          "{\"model\": \"m\"} {}", "data after the JSON object",
          "{\"model\": \"m\"} trailing", "not valid JSON");
      for (Map.Entry<String, String> c : cases.entrySet()) {
        HttpResponse<String> r = f.post("/v1/chat/completions", c.getKey());
        assertThat(r.statusCode()).as(c.getKey()).isEqualTo(400);
        JsonNode err = json(r.body()).path("error");
        assertThat(err.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(err.path("message").asText()).as(c.getKey()).contains(c.getValue());
      }
      assertThat(f.sim(0).received()).allMatch(r -> r.path().equals("/health")); // none of them reached the worker
      assertThat(f.post("/v1/chat/completions", chat("m", "still fine", false)).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void hugeBodyIs413() throws Exception {
    try (Fleet f = Fleet.start(List.of(SimSpec.of(sim("m"))), g -> g.withMaxPayloadBytes(4096), Map.of()).awaitReady()) {
      HttpResponse<String> r = f.post("/v1/chat/completions", chat("m", "x".repeat(10_000), false));
      assertThat(r.statusCode()).isEqualTo(413);
      assertThat(json(r.body()).path("error").path("code").asText()).isEqualTo("payload_too_large");
      assertThat(f.post("/v1/chat/completions", chat("m", "small", false)).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void unknownModelMissingModelAndUnknownRoutes() throws Exception {
    try (Fleet f = Fleet.start(sim("a"), sim("b")).awaitReady()) {
      HttpResponse<String> unknown = f.post("/v1/chat/completions", chat("zzz", "x", false));
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(json(unknown.body()).path("error").path("message").asText()).contains("'zzz'", "[a, b]");
      assertThat(json(unknown.body()).path("error").path("code").asText()).isEqualTo("model_not_found");

      HttpResponse<String> missing = f.post("/v1/chat/completions", "{\"messages\":[]}");
      assertThat(missing.statusCode()).isEqualTo(400);
      assertThat(json(missing.body()).path("error").path("message").asText()).contains("'model' is required", "[a, b]");

      HttpResponse<String> models = f.get("/v1/models");
      assertThat(json(models.body()).path("data").findValuesAsText("id")).containsExactly("a", "b");

      assertThat(f.get("/no/such/path").statusCode()).isEqualTo(404);
      assertThat(json(f.get("/no/such/path").body()).path("error").path("message").asText()).contains("/no/such/path");
      assertThat(f.get("/v1/chat/completions").statusCode()).isEqualTo(405);
    }
  }

  @Test
  void singleModelGatewayAcceptsRequestsWithoutModel() throws Exception {
    try (Fleet f = Fleet.start(sim("only")).awaitReady()) {
      HttpResponse<String> r = f.post("/generate", "{\"text\":\"no model here\",\"sampling_params\":{\"max_new_tokens\":3}}");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(json(r.body()).has("text")).isTrue();
    }
  }

  @Test
  void unhealthyWorkerIsSkippedAndComesBack() throws Exception {
    try (Fleet f = Fleet.start(sim("m"), sim("m")).awaitReady()) {
      SimWorker sick = f.sim(0);
      SimWorker well = f.sim(1);
      sick.controls().healthy(false);
      await().atMost(Duration.ofSeconds(20)).until(() -> !worker(f, sick).isHealthy());
      sick.clearReceived();
      for (int i = 0; i < 6; i++) {
        HttpResponse<String> r = f.post("/v1/chat/completions", chat("m", "q" + i, false));
        assertThat(r.headers().firstValue("x-served-by")).contains(well.workerId());
      }
      assertThat(sick.received()).noneMatch(r -> r.path().startsWith("/v1/"));

      sick.controls().healthy(true);
      await().atMost(Duration.ofSeconds(20)).until(() -> worker(f, sick).isHealthy());
      Set<String> servers = new HashSet<>();
      for (int i = 0; i < 6; i++) {
        servers.add(f.post("/v1/chat/completions", chat("m", "r" + i, false)).headers().firstValue("x-served-by").orElseThrow());
      }
      assertThat(servers).containsExactlyInAnyOrder(sick.workerId(), well.workerId());
    }
  }

  @Test
  void allWorkersUnhealthyIs503AndReadinessSaysSo() throws Exception {
    try (Fleet f = Fleet.start(sim("m")).awaitReady()) {
      assertThat(f.get("/readiness").statusCode()).isEqualTo(200);
      f.sim(0).controls().healthy(false);
      await().atMost(Duration.ofSeconds(20)).until(() -> !worker(f, f.sim(0)).isHealthy());
      HttpResponse<String> r = f.post("/v1/chat/completions", chat("m", "x", false));
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(json(r.body()).path("error").path("message").asText()).contains("no healthy worker", "'m'");
      HttpResponse<String> ready = f.get("/readiness");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(json(ready.body()).path("models").path("m").asText()).isEqualTo("no healthy worker");
    }
  }

  @Test
  void failedAttemptIsRetriedOnAnotherWorker() throws Exception {
    try (Fleet f = Fleet.start(sim("m"), sim("m")).awaitReady()) {
      f.sim(0).controls().failNext(100, 503);
      f.sim(1).controls().failNext(100, 503);
      // both fail: the client sees the worker's 503 after trying both
      HttpResponse<String> bad = f.post("/v1/chat/completions", chat("m", "x", false));
      assertThat(bad.statusCode()).isEqualTo(503);
      f.sim(1).controls().reset();
      for (int i = 0; i < 4; i++) {
        HttpResponse<String> r = f.post("/v1/chat/completions", chat("m", "y" + i, false));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-served-by")).contains(f.sim(1).workerId());
      }
    }
  }

  @Test
  void unreachableWorkerIsRetriedElsewhere() throws Exception {
    try (Fleet f = Fleet.start(sim("m"), sim("m")).awaitReady()) {
      int port = f.sim(0).port();
      f.sim(0).close(); // dead before the health checker notices
      for (int i = 0; i < 4; i++) {
        HttpResponse<String> r = f.post("/v1/chat/completions", chat("m", "z" + i, false));
        assertThat(r.statusCode()).as("attempt %d, dead port %d", i, port).isEqualTo(200);
      }
    }
  }

  @Test
  void clientDisconnectCancelsTheWorkersRequest() throws Exception {
    try (Fleet f = Fleet.start(sim("m")).awaitReady()) {
      f.sim(0).controls().holdStreamsAfterFirstEvent(true);
      HttpRequest req = HttpRequest.newBuilder(f.uri("/v1/chat/completions"))
          .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(chat("m", "bye", true))).build();
      HttpResponse<InputStream> r = f.http().send(req, HttpResponse.BodyHandlers.ofInputStream());
      InputStream in = r.body();
      assertThat(in.read()).isNotNegative(); // the stream has started
      in.close(); // the client goes away mid-stream
      await().atMost(Duration.ofSeconds(20)).until(() -> f.sim(0).stats().cancelled() == 1);
      await().atMost(Duration.ofSeconds(20)).until(() -> worker(f, f.sim(0)).inFlight() == 0);
    }
  }

  @Test
  void openAiOnlyWorkersServeTheOpenAiEndpoints() throws Exception {
    try (Fleet f = Fleet.start(sim("vllm-model").withOpenAiOnly(true)).awaitReady()) {
      HttpResponse<String> r = f.post("/v1/chat/completions", chat("vllm-model", "hi", false));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(json(r.body()).path("choices").size()).isEqualTo(1);
    }
  }

  @Test
  void workerDeclaredWithoutModelJoinsUnderTheModelItReports() throws Exception {
    SimSpec undeclared = new SimSpec(sim("discovered-model").withOpenAiOnly(true), w -> w.withModel(WorkerSpec.DISCOVER_MODEL));
    try (Fleet f = Fleet.start(List.of(SimSpec.of(sim("known")), undeclared), g -> g, Map.of())) {
      await().atMost(Duration.ofSeconds(20)).until(() -> f.gateway().routers().servedModels().contains("discovered-model"));
      f.awaitReady();
      HttpResponse<String> r = f.post("/v1/chat/completions", chat("discovered-model", "hi", false));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("x-served-by")).contains(f.sim(1).workerId());
    }
  }

  @Test
  void hangingWorkerTimesOutWith504WhileOtherClientsAreServed() throws Exception {
    try (Fleet f = Fleet.start(List.of(SimSpec.of(sim("slow")), SimSpec.of(sim("fast"))),
        g -> g.withTimeouts(g.timeouts().withFirstByte(Duration.ofSeconds(2))).withMaxAttempts(1), Map.of()).awaitReady()) {
      f.sim(0).controls().hang(true);
      HttpRequest hanging = HttpRequest.newBuilder(f.uri("/v1/chat/completions")).timeout(Duration.ofSeconds(30))
          .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(chat("slow", "wait", false))).build();
      var pending = f.http().sendAsync(hanging, HttpResponse.BodyHandlers.ofString());
      for (int i = 0; i < 10; i++) {
        assertThat(f.post("/v1/chat/completions", chat("fast", "go" + i, false)).statusCode()).isEqualTo(200);
      }
      assertThat(pending).isNotDone();
      HttpResponse<String> timedOut = pending.get();
      assertThat(timedOut.statusCode()).isEqualTo(504);
      assertThat(json(timedOut.body()).path("error").path("message").asText()).contains(f.sim(0).url(), "did not answer in time");
    }
  }

  @Test
  void routersPageShowsWorkersHealthAndLoad() throws Exception {
    try (Fleet f = Fleet.start(sim("a"), sim("b")).awaitReady()) {
      JsonNode routers = json(f.get("/routers").body()).path("routers");
      JsonNode regular = routers.path("http-regular");
      assertThat(regular.path("served").asBoolean()).isTrue();
      List<String> models = new java.util.ArrayList<>();
      regular.path("models").forEach(m -> models.add(m.path("model").asText()));
      assertThat(models).containsExactly("a", "b");
      JsonNode w = regular.path("models").get(0).path("workers").get(0);
      assertThat(w.path("url").asText()).isEqualTo(f.sim(0).url());
      assertThat(w.path("healthy").asBoolean()).isTrue();
      assertThat(w.path("load").asInt()).isZero();
      assertThat(routers.has("http-pd")).isFalse();
    }
  }

  /** The last request the worker received that was not a health probe. */
  private static RecordedRequest lastInference(SimWorker sim) {
    return sim.received().stream().filter(r -> !r.path().equals("/health")).reduce((a, b) -> b).orElseThrow();
  }

  private static dev.switchboard.gateway.worker.Worker worker(Fleet f, SimWorker sim) {
    return f.gateway().registry().snapshot().byUrl(sim.url());
  }

}
