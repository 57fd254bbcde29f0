package dev.switchboard.sim.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.switchboard.protocol.scheduler.AbortRequest;
import dev.switchboard.protocol.scheduler.DisaggregatedParams;
import dev.switchboard.protocol.scheduler.EmbedRequest;
import dev.switchboard.protocol.scheduler.EmbedResponse;
import dev.switchboard.protocol.scheduler.GenerateComplete;
import dev.switchboard.protocol.scheduler.GenerateRequest;
import dev.switchboard.protocol.scheduler.GenerateResponse;
import dev.switchboard.protocol.scheduler.GetModelInfoRequest;
import dev.switchboard.protocol.scheduler.GetModelInfoResponse;
import dev.switchboard.protocol.scheduler.GetServerInfoRequest;
import dev.switchboard.protocol.scheduler.HealthCheckRequest;
import dev.switchboard.protocol.scheduler.SamplingParams;
import dev.switchboard.protocol.scheduler.SglangSchedulerGrpc;
import dev.switchboard.protocol.scheduler.TokenizedInput;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.SimRole;
import dev.switchboard.sim.engine.SimOutput;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import dev.switchboard.text.BundledTokenizers;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SimGrpcWorkerTest {

  private static final Path QWEN3 = BundledTokenizers.qwen3Dir();
  private final List<SimGrpcWorker> workers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  private SimGrpcWorker start(SimConfig config) {
    SimGrpcWorker worker = SimGrpcWorker.start(config);
    workers.add(worker);
    return worker;
  }

  private SglangSchedulerGrpc.SglangSchedulerBlockingStub blocking(SimGrpcWorker worker) {
    return SglangSchedulerGrpc.newBlockingStub(channel(worker));
  }

  private ManagedChannel channel(SimGrpcWorker worker) {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", worker.port()).usePlaintext().build();
    channels.add(channel);
    return channel;
  }

  @AfterEach
  void stop() throws InterruptedException {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    workers.forEach(SimGrpcWorker::close);
  }

  private static GenerateRequest.Builder request(String id, SamplingParams.Builder params, int... prompt) {
    TokenizedInput.Builder tokenized = TokenizedInput.newBuilder().setOriginalText("prompt");
    for (int token : prompt) {
      tokenized.addInputIds(token);
    }
    return GenerateRequest.newBuilder().setRequestId(id).setTokenized(tokenized).setSamplingParams(params).setStream(true);
  }

  private static List<GenerateResponse> collect(Iterator<GenerateResponse> responses) {
    List<GenerateResponse> all = new ArrayList<>();
    responses.forEachRemaining(all::add);
    return all;
  }

  private static GenerateComplete complete(List<GenerateResponse> responses) {
    return responses.stream().filter(GenerateResponse::hasComplete).findFirst().orElseThrow().getComplete();
  }

  @Test
  void streamsOneChunkPerTokenThenComplete() {
    SimGrpcWorker worker = start(SimConfig.of("g").withNoLatency());
    List<GenerateResponse> responses = collect(blocking(worker).generate(request("r1",
        SamplingParams.newBuilder().setMaxNewTokens(5).setIgnoreEos(true), 1, 2, 3).build()));
    assertThat(responses).hasSize(6);
    List<Integer> streamed = new ArrayList<>();
    for (GenerateResponse response : responses.subList(0, 5)) {
      assertThat(response.getRequestId()).isEqualTo("r1");
      assertThat(response.getChunk().getTokenIdsList()).hasSize(1);
      streamed.addAll(response.getChunk().getTokenIdsList());
    }
    assertThat(responses.get(4).getChunk().getCompletionTokens()).isEqualTo(5);
    GenerateComplete complete = complete(responses);
    assertThat(complete.getOutputIdsList()).isEqualTo(streamed);
    assertThat(streamed).allMatch(id -> id >= GrpcVocabulary.FIXED_BASE_ID
        && id < GrpcVocabulary.FIXED_BASE_ID + SimOutput.vocabulary().size());
    assertThat(complete.getFinishReason()).isEqualTo("length");
    assertThat(complete.getPromptTokens()).isEqualTo(3);
    assertThat(complete.getCompletionTokens()).isEqualTo(5);
    assertThat(worker.stats().completed()).isEqualTo(1);
  }

  @Test
  void endsWithTheEosIdUnlessIgnoreEos() {
    SimGrpcWorker worker = start(SimConfig.of("g").withNoLatency().withDefaultMaxTokens(4).withEosTokenIds(List.of(7)));
    GenerateComplete natural = complete(collect(blocking(worker).generate(
        request("a", SamplingParams.newBuilder(), 5, 6).build())));
    assertThat(natural.getOutputIdsList()).hasSize(5).last().isEqualTo(7);
    assertThat(natural.getFinishReason()).isEqualTo("stop");
    assertThat(natural.getMatchedTokenId()).isEqualTo(7);
    GenerateComplete capped = complete(collect(blocking(worker).generate(
        request("b", SamplingParams.newBuilder().setMaxNewTokens(3), 5, 6).build())));
    assertThat(capped.getOutputIdsList()).hasSize(3).doesNotContain(7);
    assertThat(capped.getFinishReason()).isEqualTo("length");
    GenerateComplete ignored = complete(collect(blocking(worker).generate(
        request("c", SamplingParams.newBuilder().setMaxNewTokens(9).setIgnoreEos(true), 5, 6).build())));
    assertThat(ignored.getOutputIdsList()).hasSize(9).doesNotContain(7);
  }

  @Test
  void stopsAtAStopTokenId() {
    SimGrpcWorker worker = start(SimConfig.of("g").withNoLatency());
    List<Integer> full = complete(collect(blocking(worker).generate(request("a",
        SamplingParams.newBuilder().setMaxNewTokens(8).setIgnoreEos(true), 9, 9, 9).build()))).getOutputIdsList();
    int stopAt = IntStream.range(1, full.size()).filter(i -> !full.subList(0, i).contains(full.get(i)))
        .findFirst().orElseThrow();
    GenerateComplete stopped = complete(collect(blocking(worker).generate(request("b",
        SamplingParams.newBuilder().setMaxNewTokens(8).setIgnoreEos(true).addStopTokenIds(full.get(stopAt)),
        9, 9, 9).build())));
    assertThat(stopped.getOutputIdsList()).isEqualTo(full.subList(0, stopAt + 1));
    assertThat(stopped.getFinishReason()).isEqualTo("stop");
    assertThat(stopped.getMatchedTokenId()).isEqualTo(full.get(stopAt));
  }

  @Test
  void nChoicesEachComplete() {
    SimGrpcWorker worker = start(SimConfig.of("g").withNoLatency());
    List<GenerateResponse> responses = collect(blocking(worker).generate(request("n",
        SamplingParams.newBuilder().setN(2).setMaxNewTokens(6).setIgnoreEos(true), 1, 2).setStream(false).build()));
    assertThat(responses).allMatch(GenerateResponse::hasComplete).hasSize(2);
    assertThat(responses).extracting(r -> r.getComplete().getIndex()).containsExactlyInAnyOrder(0, 1);
    assertThat(responses.get(0).getComplete().getOutputIdsList())
        .isNotEqualTo(responses.get(1).getComplete().getOutputIdsList());
  }

  @Test
  void repeatedPromptsReportCachedTokens() {
    SimGrpcWorker worker = start(SimConfig.of("g").withNoLatency());
    int[] prompt = IntStream.range(100, 140).toArray();
    SamplingParams.Builder params = SamplingParams.newBuilder().setMaxNewTokens(2);
    assertThat(complete(collect(blocking(worker).generate(request("a", params, prompt).build()))).getCachedTokens()).isZero();
    assertThat(complete(collect(blocking(worker).generate(request("b", params, prompt).build()))).getCachedTokens())
        .isEqualTo(32);
  }

  @Test
  void abortStopsTheGenerationAndIsCounted() {
    SimGrpcWorker worker = start(SimConfig.of("g").withNoLatency());
    worker.controls().holdStreamsAfterFirstEvent(true);
    Iterator<GenerateResponse> responses = blocking(worker).generate(request("to-abort",
        SamplingParams.newBuilder().setMaxNewTokens(50), 1).build());
    assertThat(responses.next().hasChunk()).isTrue();
    assertThat(blocking(worker).abort(AbortRequest.newBuilder().setRequestId("to-abort").build()).getSuccess()).isTrue();
    List<GenerateResponse> rest = collect(responses);
    assertThat(rest).hasSize(1);
    assertThat(rest.get(0).getComplete().getFinishReason()).isEqualTo("abort");
    assertThat(worker.stats().aborted()).isEqualTo(1);
    assertThat(worker.stats().generatedTokens()).isEqualTo(1);
    assertThat(blocking(worker).abort(AbortRequest.newBuilder().setRequestId("unknown").build()).getSuccess()).isFalse();
  }

  @Test
  void aClientCancellingTheStreamIsCountedAndStopsGeneration() throws Exception {
    SimGrpcWorker worker = start(SimConfig.of("g").withNoLatency());
    worker.controls().holdStreamsAfterFirstEvent(true);
    CountDownLatch firstChunk = new CountDownLatch(1);
    CompletableFuture<ClientCallStreamObserver<GenerateRequest>> call = new CompletableFuture<>();
    SglangSchedulerGrpc.newStub(channel(worker)).generate(request("cancel-me",
        SamplingParams.newBuilder().setMaxNewTokens(50), 1).build(),
        new ClientResponseObserver<GenerateRequest, GenerateResponse>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<GenerateRequest> requestStream) {
            call.complete(requestStream);
          }

          @Override
          public void onNext(GenerateResponse value) {
            firstChunk.countDown();
          }

          @Override
          public void onError(Throwable t) {
          }

          @Override
          public void onCompleted() {
          }
        });
    assertThat(firstChunk.await(10, TimeUnit.SECONDS)).isTrue();
    call.get().cancel("client went away", null);
    await().untilAsserted(() -> assertThat(worker.stats().cancelled()).isEqualTo(1));
    worker.controls().releaseStreams();
    await().untilAsserted(() -> assertThat(worker.stats().running()).isZero());
    assertThat(worker.stats().generatedTokens()).isEqualTo(1);
    assertThat(worker.activeCalls()).isZero();
  }

  @Test
  void healthCheckFollowsTheHealthySwitch() {
    SimGrpcWorker worker = start(SimConfig.of("g").withNoLatency());
    assertThat(blocking(worker).healthCheck(HealthCheckRequest.getDefaultInstance()).getHealthy()).isTrue();
    worker.controls().healthy(false);
    assertThat(blocking(worker).healthCheck(HealthCheckRequest.getDefaultInstance()).getHealthy()).isFalse();
  }

  @Test
  void modelAndServerInfoDescribeTheWorker() {
    SimGrpcWorker worker = start(SimConfig.of("mistral-7b").withNoLatency().withTokenizerPath(QWEN3.toString())
        .withMaxContextLength(8192).withEosTokenIds(List.of(2, 32000)));
    GetModelInfoResponse info = blocking(worker).getModelInfo(GetModelInfoRequest.getDefaultInstance());
    assertThat(info.getServedModelName()).isEqualTo("mistral-7b");
    assertThat(info.getTokenizerPath()).isEqualTo(QWEN3.toString());
    assertThat(info.getMaxContextLength()).isEqualTo(8192);
    assertThat(info.getEosTokenIdsList()).containsExactly(2, 32000);
    assertThat(info.getIsGeneration()).isTrue();
    var server = blocking(worker).getServerInfo(GetServerInfoRequest.getDefaultInstance());
    assertThat(server.getServerType()).isEqualTo("grpc");
    assertThat(server.getServerArgs().getFieldsOrThrow("served_model_name").getStringValue()).isEqualTo("mistral-7b");
    assertThat(worker.url()).isEqualTo("grpc://127.0.0.1:" + worker.port());
  }

  @Test
  void embedReturnsADeterministicVector() {
    SimGrpcWorker worker = start(SimConfig.of("g").withNoLatency().withEmbeddingDim(8));
    EmbedRequest request = EmbedRequest.newBuilder().setRequestId("e")
        .setTokenized(TokenizedInput.newBuilder().addInputIds(4).addInputIds(5)).build();
    EmbedResponse first = blocking(worker).embed(request);
    assertThat(first.getComplete().getEmbeddingList()).hasSize(8);
    assertThat(first.getComplete().getPromptTokens()).isEqualTo(2);
    assertThat(blocking(worker).embed(request)).isEqualTo(first);
  }

  @Test
  void injectedFaultsBecomeGenerateErrors() {
    SimGrpcWorker worker = start(SimConfig.of("g").withNoLatency());
    worker.controls().failNext(1, 503);
    List<GenerateResponse> failed = collect(blocking(worker).generate(request("f", SamplingParams.newBuilder(), 1).build()));
    assertThat(failed).hasSize(1);
    assertThat(failed.get(0).getError().getHttpStatusCode()).isEqualTo("503");
    assertThat(complete(collect(blocking(worker).generate(request("g", SamplingParams.newBuilder(), 1).build()))))
        .isNotNull();
  }

  @Test
  void withATokenizerTheOutputDecodesToReadableWords() throws Exception {
    SimGrpcWorker worker = start(SimConfig.of("qwen3").withNoLatency().withTokenizerPath(QWEN3.toString())
        .withEosTokenIds(List.of(151645)));
    GenerateComplete complete = complete(collect(blocking(worker).generate(
        request("t", SamplingParams.newBuilder().setMaxNewTokens(12).setIgnoreEos(true), 9707).build())));
    long[] ids = complete.getOutputIdsList().stream().mapToLong(Integer::longValue).toArray();
    try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(QWEN3.resolve("tokenizer.json"),
        Map.of("addSpecialTokens", "false", "truncation", "false", "modelMaxLength", "100000"))) {
      String text = tokenizer.decode(ids);
      assertThat(text.trim().split(" ")).hasSize(12).allMatch(SimOutput.vocabulary()::contains);
    }
  }

  @Test
  void prefillAndDecodePairThroughTheBootstrapEndpoint() {
    SimGrpcWorker prefill = start(SimConfig.of("g").withNoLatency().withRole(SimRole.PREFILL));
    SimGrpcWorker decode = start(SimConfig.of("g").withNoLatency().withRole(SimRole.DECODE)
        .withBootstrapTimeout(Duration.ofSeconds(5)));
    SimGrpcWorker impatient = start(SimConfig.of("g").withNoLatency().withRole(SimRole.DECODE)
        .withBootstrapTimeout(Duration.ofMillis(200)));
    DisaggregatedParams params = DisaggregatedParams.newBuilder().setBootstrapHost("127.0.0.1")
        .setBootstrapPort(prefill.bootstrapPort()).setBootstrapRoom(4242).build();
    GenerateRequest paired = request("pd", SamplingParams.newBuilder().setMaxNewTokens(4).setIgnoreEos(true), 1, 2)
        .setDisaggregatedParams(params).build();
    CompletableFuture<List<GenerateResponse>> decoding = CompletableFuture.supplyAsync(
        () -> collect(blocking(decode).generate(paired)));
    GenerateComplete prefilled = complete(collect(blocking(prefill).generate(paired)));
    assertThat(prefilled.getCompletionTokens()).isEqualTo(1);
    assertThat(complete(decoding.join()).getCompletionTokens()).isEqualTo(4);

    GenerateRequest wrongRoom = paired.toBuilder().setDisaggregatedParams(params.toBuilder().setBootstrapRoom(4343)).build();
    List<GenerateResponse> failed = collect(blocking(impatient).generate(wrongRoom));
    assertThat(failed.get(0).getError().getHttpStatusCode()).isEqualTo("500");
    assertThat(failed.get(0).getError().getMessage()).contains("4343").contains(String.valueOf(prefill.bootstrapPort()));

    List<GenerateResponse> unpaired = collect(blocking(decode).generate(paired.toBuilder().clearDisaggregatedParams().build()));
    assertThat(unpaired.get(0).getError().getHttpStatusCode()).isEqualTo("400");
    assertThat(prefill.bootstrapRoomsRegistered()).isEqualTo(1);
  }

  @Test
  void recordsRpcsWithMetadata() {
    SimGrpcWorker worker = start(SimConfig.of("g").withNoLatency());
    blocking(worker).healthCheck(HealthCheckRequest.getDefaultInstance());
    assertThat(worker.received()).anySatisfy(r -> {
      assertThat(r.path()).isEqualTo("sglang.grpc.scheduler.SglangScheduler/HealthCheck");
      assertThat(r.header("content-type")).contains("grpc");
    });
    assertThat(worker.stats().requests("HealthCheck")).isEqualTo(1);
  }

  @Test
  void aStreamDroppedMidwayFailsTheRpc() {
    SimGrpcWorker worker = start(SimConfig.of("g").withNoLatency());
    worker.controls().dropMidStream(true);
    Iterator<GenerateResponse> responses = blocking(worker).generate(request("d",
        SamplingParams.newBuilder().setMaxNewTokens(5), 1).build());
    assertThat(responses.next().hasChunk()).isTrue();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    try {
      responses.next();
    } catch (RuntimeException e) {
      errors.add(e);
    }
    assertThat(errors).singleElement().asString().contains("UNAVAILABLE");
  }

  @Test
  void anUnreadableTokenizerPathFailsAtStart() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> start(SimConfig.of("g").withTokenizerPath("/no/such/tokenizer")))
        .hasMessageContaining("/no/such/tokenizer");
  }

  @Test
  void scriptedTokensAreAnsweredThenTheEos() {
    SimGrpcWorker worker = start(SimConfig.of("g").withNoLatency().withEosTokenIds(List.of(99)));
    worker.controls().scriptTokens(5, 6, 7);
    GenerateComplete complete = complete(collect(blocking(worker).generate(request("s", SamplingParams.newBuilder(), 1).build())));
    assertThat(complete.getOutputIdsList()).containsExactly(5, 6, 7, 99);
    assertThat(complete.getFinishReason()).isEqualTo("stop");
    assertThat(complete.getMatchedTokenId()).isEqualTo(99);
  }

  @Test
  void aScriptedTextIsEncodedWithTheTokenizer() throws Exception {
    SimGrpcWorker worker = start(SimConfig.of("qwen3").withNoLatency().withTokenizerPath(QWEN3.toString())
        .withEosTokenIds(List.of(151645)));
    String script = "<think>\nok\n</think>\n\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>";
    worker.controls().scriptOutput(script);
    GenerateComplete complete = complete(collect(blocking(worker).generate(
        request("t", SamplingParams.newBuilder().setMaxNewTokens(200), 9707).build())));
    List<Integer> ids = complete.getOutputIdsList();
    assertThat(ids).last().isEqualTo(151645);
    long[] text = ids.subList(0, ids.size() - 1).stream().mapToLong(Integer::longValue).toArray();
    try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(QWEN3.resolve("tokenizer.json"),
        Map.of("addSpecialTokens", "false", "truncation", "false", "modelMaxLength", "100000"))) {
      assertThat(tokenizer.decode(text, false)).isEqualTo(script);
    }
  }

  @Test
  void aScriptedTextWithoutATokenizerIsAnError() {
    SimGrpcWorker worker = start(SimConfig.of("g").withNoLatency());
    worker.controls().scriptOutput("hello");
    List<GenerateResponse> responses = collect(blocking(worker).generate(request("x", SamplingParams.newBuilder(), 1).build()));
    assertThat(responses.get(0).getError().getMessage()).contains("tokenizer");
  }
}
