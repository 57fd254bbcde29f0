package dev.switchboard.gateway.router.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.config.DeploymentConfig;
import dev.switchboard.gateway.config.GatewaySettings;
import dev.switchboard.gateway.config.ModelSettings;
import dev.switchboard.gateway.exchange.RequestFacts;
import dev.switchboard.gateway.router.RouterId;
import dev.switchboard.gateway.testing.Fleet;
import dev.switchboard.gateway.testing.GrpcFleet;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.WorkerSpec;
import dev.switchboard.gateway.worker.WorkerType;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.SimRole;
import dev.switchboard.sim.SimWorker;
import dev.switchboard.sim.grpc.SimGrpcWorker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official OpenAI Java SDK as the client, through all four router kinds of one gateway: each model is served by
 * exactly one kind. The SDK must parse the gateway's answers (streamed and not) into the same text a raw HTTP call
 * returns.
 */
class OpenAiSdkTest {
  private static final List<AutoCloseable> workers = new ArrayList<>();
  private static Gateway gateway;
  private static OpenAIClient client;

  @BeforeAll
  static void start() {
    List<WorkerSpec> specs = new ArrayList<>();
    SimWorker httpRegular = SimWorker.start(SimConfig.of("http-regular-model").withRole(SimRole.REGULAR));
    SimWorker httpPrefill = SimWorker.start(SimConfig.of("http-pd-model").withRole(SimRole.PREFILL));
    SimWorker httpDecode = SimWorker.start(SimConfig.of("http-pd-model").withRole(SimRole.DECODE));
    SimGrpcWorker grpcRegular = SimGrpcWorker.start(GrpcFleet.sim("grpc-regular-model", SimRole.REGULAR));
    SimGrpcWorker grpcPrefill = SimGrpcWorker.start(GrpcFleet.sim("grpc-pd-model", SimRole.PREFILL));
    SimGrpcWorker grpcDecode = SimGrpcWorker.start(GrpcFleet.sim("grpc-pd-model", SimRole.DECODE));
    workers.addAll(List.of(httpRegular, httpPrefill, httpDecode, grpcRegular, grpcPrefill, grpcDecode));
    specs.add(WorkerSpec.of(httpRegular.url(), "http-regular-model", WorkerType.REGULAR, ConnectionMode.HTTP));
    specs.add(WorkerSpec.of(httpPrefill.url(), "http-pd-model", WorkerType.PREFILL, ConnectionMode.HTTP).withBootstrapPort(httpPrefill.bootstrapPort()));
    specs.add(WorkerSpec.of(httpDecode.url(), "http-pd-model", WorkerType.DECODE, ConnectionMode.HTTP));
    specs.add(WorkerSpec.of(grpcRegular.url(), "grpc-regular-model", WorkerType.REGULAR, ConnectionMode.GRPC));
    specs.add(WorkerSpec.of(grpcPrefill.url(), "grpc-pd-model", WorkerType.PREFILL, ConnectionMode.GRPC).withBootstrapPort(grpcPrefill.bootstrapPort()));
    specs.add(WorkerSpec.of(grpcDecode.url(), "grpc-pd-model", WorkerType.DECODE, ConnectionMode.GRPC));
    ModelSettings tok = ModelSettings.NONE.withTokenizer(GrpcFleet.tokenizer());
    GatewaySettings g = GatewaySettings.DEFAULTS.withHost("127.0.0.1").withPort(0).withHealth(Fleet.FAST_HEALTH);
    gateway = Gateway.start(new DeploymentConfig(g, Map.of("grpc-regular-model", tok, "grpc-pd-model", tok), specs));
    await().atMost(Duration.ofSeconds(15)).until(() -> gateway.routers().ready() && gateway.routers().routers().size() == 4);
    client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + gateway.port() + "/v1").apiKey("not-checked")
        .maxRetries(0).build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) client.close();
    if (gateway != null) gateway.close();
    for (AutoCloseable w : workers) w.close();
  }

  @org.junit.jupiter.api.Test
  void routersEndpointListsAllFourRouters() throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + gateway.port() + "/routers")).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"http-regular\"", "\"http-pd\"", "\"grpc-regular\"", "\"grpc-pd\"", "grpc-pd-model");
  }

  private static ChatCompletionCreateParams params(String model) {
    return ChatCompletionCreateParams.builder().model(model).addUserMessage("Say something nice about routers")
        .maxCompletionTokens(12).build();
  }

  @ParameterizedTest
  @ValueSource(strings = {"http-regular", "http-pd", "grpc-regular", "grpc-pd"})
  void sdkGetsTheSameAnswerStreamedAndNot(String router) throws Exception {
    String model = router + "-model";
    assertThat(gateway.routers().routers().keySet()).contains(RouterId.valueOf(router.toUpperCase().replace('-', '_')));
    String raw = rawContent(model);

    ChatCompletion completion = client.chat().completions().create(params(model));
    assertThat(completion.model()).isEqualTo(model);
    assertThat(completion.choices()).hasSize(1);
    String content = completion.choices().get(0).message().content().orElseThrow();
    assertThat(content).isNotBlank().isEqualTo(raw);
    assertThat(completion.choices().get(0).finishReason()).isIn(ChatCompletion.Choice.FinishReason.STOP, ChatCompletion.Choice.FinishReason.LENGTH);
    assertThat(completion.usage().orElseThrow().completionTokens()).isPositive();

    StringBuilder streamed = new StringBuilder();
    AtomicReference<Long> usage = new AtomicReference<>();
    ChatCompletionCreateParams streaming = params(model).toBuilder()
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(streaming)) {
      stream.stream().forEach(chunk -> {
        for (ChatCompletionChunk.Choice c : chunk.choices()) c.delta().content().ifPresent(streamed::append);
        chunk.usage().ifPresent(u -> usage.set(u.completionTokens()));
      });
    }
    assertThat(streamed.toString()).isEqualTo(raw);
    assertThat(usage.get()).isEqualTo(completion.usage().orElseThrow().completionTokens());
  }

  /** The content of the same request sent with a plain HTTP client. */
  private static String rawContent(String model) throws Exception {
    String body = "{\"model\":\"" + model + "\",\"max_completion_tokens\":12,"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"Say something nice about routers\"}]}";
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + gateway.port() + "/v1/chat/completions"))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode json = RequestFacts.JSON.readTree(r.body());
    return json.path("choices").get(0).path("message").path("content").asText();
  }
}
