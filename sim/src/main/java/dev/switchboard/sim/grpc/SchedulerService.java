package dev.switchboard.sim.grpc;

import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import dev.switchboard.protocol.scheduler.AbortRequest;
import dev.switchboard.protocol.scheduler.AbortResponse;
import dev.switchboard.protocol.scheduler.EmbedComplete;
import dev.switchboard.protocol.scheduler.EmbedError;
import dev.switchboard.protocol.scheduler.EmbedRequest;
import dev.switchboard.protocol.scheduler.EmbedResponse;
import dev.switchboard.protocol.scheduler.Embedding;
import dev.switchboard.protocol.scheduler.GenerateRequest;
import dev.switchboard.protocol.scheduler.GenerateResponse;
import dev.switchboard.protocol.scheduler.GetModelInfoRequest;
import dev.switchboard.protocol.scheduler.GetModelInfoResponse;
import dev.switchboard.protocol.scheduler.GetServerInfoRequest;
import dev.switchboard.protocol.scheduler.GetServerInfoResponse;
import dev.switchboard.protocol.scheduler.HealthCheckRequest;
import dev.switchboard.protocol.scheduler.HealthCheckResponse;
import dev.switchboard.protocol.scheduler.SamplingParams;
import dev.switchboard.protocol.scheduler.SglangSchedulerGrpc;
import dev.switchboard.sim.RecordedRequest;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.SimRole;
import dev.switchboard.sim.SimRuntime;
import dev.switchboard.sim.cache.SimTokens;
import dev.switchboard.sim.engine.SimScript;
import dev.switchboard.sim.engine.SimVectors;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The simulated {@code sglang.grpc.scheduler.SglangScheduler} service. */
final class SchedulerService extends SglangSchedulerGrpc.SglangSchedulerImplBase {

  private static final String SERVICE = "sglang.grpc.scheduler.SglangScheduler/";

  private final SimRuntime runtime;
  private final SimConfig config;
  private final GrpcVocabulary vocabulary;
  private final GrpcPairing pairing;
  private final ConcurrentHashMap<String, GenerateCall> active = new ConcurrentHashMap<>();

  SchedulerService(SimRuntime runtime, GrpcVocabulary vocabulary, GrpcPairing pairing) {
    this.runtime = runtime;
    this.config = runtime.config();
    this.vocabulary = vocabulary;
    this.pairing = pairing;
  }

  /** Generate RPCs in progress. */
  int activeCalls() {
    return active.size();
  }

  @Override
  public void generate(GenerateRequest request, StreamObserver<GenerateResponse> responseObserver) {
    record("Generate", request.toByteArray());
    ServerCallStreamObserver<GenerateResponse> observer = (ServerCallStreamObserver<GenerateResponse>) responseObserver;
    String requestId = request.getRequestId().isEmpty() ? runtime.nextId() : request.getRequestId();
    GenerateCall call = new GenerateCall(runtime, observer, requestId, request.getStream(),
        request.getReturnLogprob(), () -> active.remove(requestId));
    active.put(requestId, call);
    observer.setOnCancelHandler(() -> runtime.context().runOnContext(v -> call.clientGone()));
    runtime.context().runOnContext(v -> begin(call, request));
  }

  private void begin(GenerateCall call, GenerateRequest request) {
    if (runtime.controls().isFlappedDown()) {
      runtime.stats().countFault();
      call.die("simulated flapping: worker is down");
      return;
    }
    if (runtime.controls().isHang() || runtime.controls().isHangAfterHeaders()) {
      return;
    }
    int fault = runtime.controls().drawFault();
    if (fault > 0) {
      runtime.stats().countFault();
      call.fail(fault, "injected fault " + fault + " from " + runtime.workerId());
      return;
    }
    Duration slowStart = runtime.controls().slowStart();
    if (slowStart.isZero()) {
      admit(call, request);
    } else {
      runtime.vertx().setTimer(Math.max(1, slowStart.toMillis()), t -> admit(call, request));
    }
  }

  private void admit(GenerateCall call, GenerateRequest request) {
    if (call.ended()) {
      return;
    }
    if (!request.hasTokenized() || request.getTokenized().getInputIdsCount() == 0) {
      call.fail(400, "GenerateRequest.tokenized.input_ids is required");
      return;
    }
    SamplingParams params = request.getSamplingParams();
    if (params.getN() < 0 || params.getN() > 128) {
      call.fail(400, "sampling_params.n must be in [1, 128]");
      return;
    }
    if (params.hasMaxNewTokens() && params.getMaxNewTokens() < 0) {
      call.fail(400, "sampling_params.max_new_tokens must not be negative");
      return;
    }
    int[] prompt = request.getTokenized().getInputIdsList().stream().mapToInt(Integer::intValue).toArray();
    Integer maxNewTokens = params.hasMaxNewTokens()
        ? Math.min(params.getMaxNewTokens(), config.maxContextLength()) : null;
    if (config.role() == SimRole.PREFILL) {
      maxNewTokens = maxNewTokens == null ? 1 : Math.min(1, maxNewTokens);
    }
    Set<Integer> stopIds = new HashSet<>(params.getStopTokenIdsList());
    int eos = config.eosTokenIds().isEmpty() ? -1 : config.eosTokenIds().get(0);
    int[] script;
    try {
      script = scriptIds();
    } catch (IllegalStateException e) {
      call.fail(500, e.getMessage());
      return;
    }
    int n = Math.max(1, params.getN());
    for (int i = 0; i < n; i++) {
      call.add(new GrpcChoice(i, prompt, maxNewTokens, config.defaultMaxTokens(),
          params.getIgnoreEos() || eos < 0, eos, stopIds, runtime.output(), vocabulary, script, call));
    }
    Future<Void> paired = pairing.admit(request);
    paired.onComplete(result -> {
      if (result.succeeded()) {
        call.start(config.role() != SimRole.DECODE);
      } else if (result.cause() instanceof GrpcPairing.InvalidRequest invalid) {
        call.fail(400, invalid.getMessage());
      } else {
        call.fail(500, result.cause().getMessage());
      }
    });
  }

  private int[] scriptIds() {
    SimScript script = runtime.controls().script();
    if (script == null) {
      return null;
    }
    return script.tokenIds() != null ? script.tokenIds() : vocabulary.encode(script.text());
  }

  @Override
  public void abort(AbortRequest request, StreamObserver<AbortResponse> observer) {
    record("Abort", request.toByteArray());
    GenerateCall call = active.get(request.getRequestId());
    if (call != null) {
      runtime.context().runOnContext(v -> call.abort());
    }
    observer.onNext(AbortResponse.newBuilder().setSuccess(call != null)
        .setMessage(call != null ? "aborted " + request.getRequestId() : "no such request " + request.getRequestId())
        .build());
    observer.onCompleted();
  }

  @Override
  public void healthCheck(HealthCheckRequest request, StreamObserver<HealthCheckResponse> observer) {
    record("HealthCheck", request.toByteArray());
    boolean healthy = runtime.controls().isHealthy();
    observer.onNext(HealthCheckResponse.newBuilder().setHealthy(healthy)
        .setMessage(healthy ? "healthy" : "unhealthy (simulated)").build());
    observer.onCompleted();
  }

  @Override
  public void getModelInfo(GetModelInfoRequest request, StreamObserver<GetModelInfoResponse> observer) {
    record("GetModelInfo", request.toByteArray());
    GetModelInfoResponse.Builder info = GetModelInfoResponse.newBuilder()
        .setModelPath(config.model())
        .setTokenizerPath(config.tokenizerPath() == null ? "" : config.tokenizerPath())
        .setIsGeneration(true)
        .setWeightVersion("default")
        .setServedModelName(config.model())
        .setMaxContextLength(config.maxContextLength())
        .setVocabSize(vocabulary.fromTokenizer() ? 151_936 : GrpcVocabulary.FIXED_BASE_ID + vocabulary.size())
        .setModelType("switchboard-sim")
        .setMaxReqInputLen(config.maxContextLength());
    config.eosTokenIds().forEach(info::addEosTokenIds);
    observer.onNext(info.build());
    observer.onCompleted();
  }

  @Override
  public void getServerInfo(GetServerInfoRequest request, StreamObserver<GetServerInfoResponse> observer) {
    record("GetServerInfo", request.toByteArray());
    Struct.Builder args = Struct.newBuilder()
        .putFields("model_path", text(config.model()))
        .putFields("served_model_name", text(config.model()))
        .putFields("tokenizer_path", text(config.tokenizerPath() == null ? "" : config.tokenizerPath()))
        .putFields("disaggregation_mode", text(config.role() == SimRole.REGULAR ? "null"
            : config.role().name().toLowerCase(Locale.ROOT)))
        .putFields("disaggregation_bootstrap_port", number(pairing.bootstrapPort()))
        .putFields("max_running_requests", number(config.maxConcurrent()))
        .putFields("page_size", number(config.cacheBlockSize()))
        .putFields("context_length", number(config.maxContextLength()));
    Struct.Builder scheduler = Struct.newBuilder()
        .putFields("num_running_reqs", number(runtime.stats().running()))
        .putFields("num_waiting_reqs", number(runtime.stats().waiting()))
        .putFields("prompt_tokens_total", number(runtime.stats().promptTokens()))
        .putFields("cached_tokens_total", number(runtime.stats().cachedTokens()))
        .putFields("cache_hit_rate", number(runtime.stats().cacheHitRate()))
        .putFields("cache_used_tokens", number(runtime.engine().cacheUsedTokens()))
        .putFields("cache_capacity_tokens", number(runtime.engine().cacheCapacityTokens()));
    long start = runtime.startMillis();
    observer.onNext(GetServerInfoResponse.newBuilder()
        .setServerArgs(args)
        .setSchedulerInfo(scheduler)
        .setActiveRequests(active.size())
        .setUptimeSeconds(runtime.uptimeSeconds())
        .setSglangVersion("switchboard-sim")
        .setServerType("grpc")
        .setStartTime(Timestamp.newBuilder().setSeconds(start / 1000).setNanos((int) (start % 1000) * 1_000_000))
        .build());
    observer.onCompleted();
  }

  @Override
  public void embed(EmbedRequest request, StreamObserver<EmbedResponse> observer) {
    record("Embed", request.toByteArray());
    EmbedResponse.Builder response = EmbedResponse.newBuilder().setRequestId(request.getRequestId());
    int dim = config.embeddingDim();
    if (request.hasTokenized() && request.getTokenized().getInputIdsCount() > 0) {
      int[] tokens = request.getTokenized().getInputIdsList().stream().mapToInt(Integer::intValue).toArray();
      EmbedComplete.Builder complete = EmbedComplete.newBuilder().setPromptTokens(tokens.length).setEmbeddingDim(dim);
      for (float value : SimVectors.embed(tokens, dim)) {
        complete.addEmbedding(value);
      }
      response.setComplete(complete);
    } else if (request.getTextsCount() > 0) {
      EmbedComplete.Builder complete = EmbedComplete.newBuilder().setEmbeddingDim(dim);
      int tokens = 0;
      for (int i = 0; i < request.getTextsCount(); i++) {
        int[] ids = SimTokens.tokenize(request.getTexts(i));
        tokens += ids.length;
        Embedding.Builder embedding = Embedding.newBuilder().setIndex(i);
        for (float value : SimVectors.embed(ids, dim)) {
          embedding.addValues(value);
        }
        complete.addBatchEmbeddings(embedding);
      }
      response.setComplete(complete.setPromptTokens(tokens));
    } else {
      response.setError(EmbedError.newBuilder().setMessage("EmbedRequest needs tokenized.input_ids or texts")
          .setCode("400"));
    }
    observer.onNext(response.build());
    observer.onCompleted();
  }

  private void record(String method, byte[] body) {
    runtime.stats().countRequest(method);
    if (config.recordLimit() > 0) {
      runtime.record(new RecordedRequest("GRPC", SERVICE + method, null, MetadataCapture.current(), body));
    }
  }

  private static Value text(String value) {
    return Value.newBuilder().setStringValue(value).build();
  }

  private static Value number(double value) {
    return Value.newBuilder().setNumberValue(value).build();
  }
}
