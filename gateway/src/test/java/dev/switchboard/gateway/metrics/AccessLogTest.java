package dev.switchboard.gateway.metrics;

import static dev.switchboard.gateway.testing.Fleet.chat;
import static dev.switchboard.gateway.testing.Fleet.sim;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.config.ClientKey;
import dev.switchboard.gateway.exchange.RequestFacts;
import dev.switchboard.gateway.testing.Fleet;
import dev.switchboard.gateway.testing.Fleet.SimSpec;
import dev.switchboard.gateway.testing.GrpcFleet;
import dev.switchboard.gateway.testing.PromText;
import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.config.DeploymentConfig;
import dev.switchboard.gateway.config.GatewaySettings;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.WorkerSpec;
import dev.switchboard.gateway.worker.WorkerType;
import dev.switchboard.sim.RecordedRequest;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.SimWorker;
import java.net.URI;
import java.net.http.HttpClient;
import dev.switchboard.sim.SimRole;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The access log (one JSON line per request on its own logger) and W3C trace context reaching the workers. */
class AccessLogTest {
  private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  private static final Pattern VALID = Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
  private final Logger access = (Logger) LoggerFactory.getLogger(AccessLog.LOGGER);
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private Level before;

  @BeforeEach
  void capture() {
    before = access.getLevel();
    access.setLevel(Level.INFO);
    lines.start();
    access.addAppender(lines);
  }

  @AfterEach
  void release() {
    access.detachAppender(lines);
    access.setLevel(before);
  }

  private static JsonNode json(String s) throws Exception {
    return RequestFacts.JSON.readTree(s);
  }

  private static Fleet fleet(boolean accessLog) {
    List<ClientKey> keys = List.of(new ClientKey("team-a", "secret-key-a", 0, 0, 3));
    return Fleet.start(List.of(SimSpec.of(sim("m"))), g -> g.withApiKeys(keys).withAccessLog(accessLog), Map.of()).awaitReady();
  }

  private List<JsonNode> logged() throws Exception {
    List<JsonNode> out = new java.util.ArrayList<>();
    for (ILoggingEvent e : List.copyOf(lines.list)) out.add(json(e.getFormattedMessage()));
    return out;
  }

  private static RecordedRequest lastInference(List<RecordedRequest> received) {
    return received.stream().filter(r -> !r.path().equals("/health")).reduce((a, b) -> b).orElseThrow();
  }

  @Test
  void eachRequestLogsOneJsonLineAndTheClientsTraceparentReachesTheWorker() throws Exception {
    try (Fleet f = fleet(true)) {
      HttpResponse<String> r = f.post("/v1/chat/completions", chat("m", "log me", false),
          "authorization", "Bearer secret-key-a", "x-request-id", "req-log-1", "traceparent", TRACEPARENT);
      assertThat(r.statusCode()).isEqualTo(200);
      JsonNode usage = json(r.body()).path("usage");
      assertThat(lastInference(f.sim(0).received()).header("traceparent")).isEqualTo(TRACEPARENT);

      await().atMost(Duration.ofSeconds(10)).until(() -> lines.list.size() == 1);
      JsonNode line = logged().getFirst();
      assertThat(line.path("request_id").asText()).isEqualTo("req-log-1");
      assertThat(line.path("trace_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
      assertThat(line.path("tenant").asText()).isEqualTo("team-a");
      assertThat(line.path("endpoint").asText()).isEqualTo("/v1/chat/completions");
      assertThat(line.path("model").asText()).isEqualTo("m");
      assertThat(line.path("router").asText()).isEqualTo("http-regular");
      assertThat(line.path("worker").asText()).isEqualTo(f.sim(0).url());
      assertThat(line.path("status").asInt()).isEqualTo(200);
      assertThat(line.path("stream").asBoolean()).isFalse();
      assertThat(line.path("attempts").asInt()).isEqualTo(1);
      assertThat(line.path("ttft_ms").isNull()).isTrue();
      assertThat(line.path("duration_ms").isNumber()).isTrue();
      assertThat(line.path("input_tokens").asLong()).isEqualTo(usage.path("prompt_tokens").asLong());
      assertThat(line.path("output_tokens").asLong()).isEqualTo(usage.path("completion_tokens").asLong());
      assertThat(lines.list.getFirst().getFormattedMessage()).doesNotContain("secret-key-a");

      // a stream logs its time to first token; a refused key logs its tenant as unauthenticated
      assertThat(f.post("/v1/chat/completions", chat("m", "stream me", true), "authorization", "Bearer secret-key-a").statusCode()).isEqualTo(200);
      assertThat(f.post("/v1/chat/completions", chat("m", "no key", false)).statusCode()).isEqualTo(401);
      await().atMost(Duration.ofSeconds(10)).until(() -> lines.list.size() == 3);
      JsonNode stream = logged().stream().filter(n -> n.path("stream").asBoolean()).findFirst().orElseThrow();
      assertThat(stream.path("ttft_ms").isNumber()).isTrue();
      assertThat(stream.path("ttft_ms").asDouble()).isLessThanOrEqualTo(stream.path("duration_ms").asDouble());
      JsonNode refused = logged().stream().filter(n -> n.path("status").asInt() == 401).findFirst().orElseThrow();
      assertThat(refused.path("tenant").asText()).isEqualTo("unauthenticated");
      assertThat(refused.path("worker").isNull()).isTrue();
    }
  }

  @Test
  void aRequestWithoutTraceparentStartsATraceTheWorkerAndTheLogShare() throws Exception {
    try (Fleet f = fleet(true)) {
      assertThat(f.post("/v1/chat/completions", chat("m", "no trace", false), "authorization", "Bearer secret-key-a").statusCode()).isEqualTo(200);
      String sent = lastInference(f.sim(0).received()).header("traceparent");
      assertThat(sent).matches(VALID);
      await().atMost(Duration.ofSeconds(10)).until(() -> lines.list.size() == 1);
      assertThat(logged().getFirst().path("trace_id").asText()).isEqualTo(sent.substring(3, 35));

      // an invalid one is replaced, not forwarded
      assertThat(f.post("/v1/chat/completions", chat("m", "bad trace", false), "authorization", "Bearer secret-key-a",
          "traceparent", "00-00000000000000000000000000000000-00f067aa0ba902b7-01").statusCode()).isEqualTo(200);
      String replaced = lastInference(f.sim(0).received()).header("traceparent");
      assertThat(replaced).matches(VALID).isNotEqualTo(sent);
    }
  }

  @Test
  void switchedOffItWritesNothing() throws Exception {
    try (Fleet f = fleet(false)) {
      assertThat(f.post("/v1/chat/completions", chat("m", "quiet", false), "authorization", "Bearer secret-key-a").statusCode()).isEqualTo(200);
      // the request has ended (its metrics are recorded in the same step that would log it)
      await().atMost(Duration.ofSeconds(10)).until(() ->
          PromText.parse(f.get("/metrics").body()).sum("switchboard_requests_total", "tenant", "team-a") == 1);
      assertThat(lines.list).isEmpty();
    }
  }

  @Test
  void aPrefillDecodeRequestLogsBothWorkers() throws Exception {
    SimWorker prefill = SimWorker.start(SimConfig.of("pd").withRole(SimRole.PREFILL).withNoLatency());
    SimWorker decode = SimWorker.start(SimConfig.of("pd").withRole(SimRole.DECODE).withNoLatency());
    List<WorkerSpec> workers = List.of(
        WorkerSpec.of(prefill.url(), "pd", WorkerType.PREFILL, ConnectionMode.HTTP)
            .withBootstrapPort(prefill.bootstrapPort() > 0 ? prefill.bootstrapPort() : null),
        WorkerSpec.of(decode.url(), "pd", WorkerType.DECODE, ConnectionMode.HTTP));
    GatewaySettings g = GatewaySettings.DEFAULTS.withHost("127.0.0.1").withPort(0).withHealth(Fleet.FAST_HEALTH).withAccessLog(true);
    try (Gateway gateway = Gateway.start(new DeploymentConfig(g, Map.of(), workers))) {
      await().atMost(Duration.ofSeconds(20)).until(() -> gateway.registry().snapshot().all().stream().allMatch(Worker::isHealthy));
      HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/chat/completions"))
          .timeout(Duration.ofSeconds(30)).header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(chat("pd", "split me", false))).build();
      HttpResponse<String> r = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(10)).until(() -> lines.list.size() == 1);
      JsonNode line = logged().getFirst();
      assertThat(line.path("router").asText()).isEqualTo("http-pd");
      assertThat(line.path("worker").asText()).isEqualTo(decode.url());
      assertThat(line.path("prefill_worker").asText()).isEqualTo(prefill.url());
      assertThat(line.path("tenant").asText()).isEqualTo("anonymous");
      assertThat(line.path("output_tokens").asLong()).isEqualTo(json(r.body()).path("usage").path("completion_tokens").asLong());
    } finally {
      prefill.close();
      decode.close();
    }
  }

  @Test
  void grpcWorkersGetTheTraceparentAsMetadata() throws Exception {
    try (GrpcFleet f = GrpcFleet.start(GrpcFleet.sim("g", SimRole.REGULAR)).awaitReady()) {
      HttpRequest req = HttpRequest.newBuilder(f.uri("/v1/chat/completions")).timeout(Duration.ofSeconds(30))
          .header("content-type", "application/json").header("traceparent", TRACEPARENT)
          .POST(HttpRequest.BodyPublishers.ofString(chat("g", "trace over grpc", false))).build();
      assertThat(f.http().send(req, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
      RecordedRequest generate = f.sim(0).received().stream().filter(r -> r.path().endsWith("Generate")).reduce((a, b) -> b).orElseThrow();
      assertThat(generate.header("traceparent")).isEqualTo(TRACEPARENT);
    }
  }
}
