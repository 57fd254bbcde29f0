package dev.switchboard.sim;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code switchboard sim}: runs one simulated worker until Ctrl-C. */
@Command(name = "sim", mixinStandardHelpOptions = true,
    description = "Run a simulated SGLang / OpenAI-compatible model worker (HTTP or gRPC) until Ctrl-C.")
public final class SimCommand implements Callable<Integer> {

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "0",
      description = "Port to bind, 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--model", defaultValue = "sim-model", description = "Served model name (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--type", defaultValue = "regular",
      description = "regular | prefill | decode (default: ${DEFAULT-VALUE}).")
  String type;

  @Option(names = "--protocol", defaultValue = "http", description = "http | grpc (default: ${DEFAULT-VALUE}).")
  String protocol;

  @Option(names = "--bootstrap-port", defaultValue = "0",
      description = "Prefill only: bootstrap endpoint port, 0 picks a free one.")
  int bootstrapPort;

  @Option(names = "--worker-id", description = "Name reported in x-served-by (default: sim-<port>).")
  String workerId;

  @Option(names = "--seed", defaultValue = "42",
      description = "Seed of the deterministic output (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--ttft-ms", defaultValue = "0",
      description = "Fixed delay before a request is scheduled, ms (default: ${DEFAULT-VALUE}).")
  double ttftMs;

  @Option(names = "--tpot-ms", defaultValue = "1",
      description = "Decode step time per output token, ms (default: ${DEFAULT-VALUE}).")
  double tpotMs;

  @Option(names = "--prefill-us-per-token", defaultValue = "20",
      description = "Prefill cost per uncached prompt token, µs (default: ${DEFAULT-VALUE}).")
  double prefillMicros;

  @Option(names = "--max-concurrent", defaultValue = "256",
      description = "Requests running at once (default: ${DEFAULT-VALUE}).")
  int maxConcurrent;

  @Option(names = "--batch-limit", defaultValue = "16",
      description = "Requests one decode step serves (default: ${DEFAULT-VALUE}).")
  int batchLimit;

  @Option(names = "--max-tokens", defaultValue = "16",
      description = "Output tokens when a request names none (default: ${DEFAULT-VALUE}).")
  int maxTokens;

  @Option(names = "--cache-tokens", defaultValue = "24576",
      description = "KV-cache capacity in tokens (default: ${DEFAULT-VALUE}).")
  int cacheTokens;

  @Option(names = "--api-key", description = "Require this bearer key on inference and admin endpoints.")
  String apiKey;

  @Option(names = "--openai-only", description = "Behave like vLLM / llama.cpp: no SGLang-only endpoints.")
  boolean openAiOnly;

  @Option(names = "--tokenizer", description = "gRPC: tokenizer.json whose ordinary-word ids the output uses; HTTP: prompts are tokenized with it (and its chat template).")
  String tokenizer;

  @Option(names = "--eos-ids", split = ",",
      description = "gRPC only: EOS token ids reported and emitted at the end (default: 2).")
  java.util.List<Integer> eosIds;

  @Option(names = "--context-length", defaultValue = "32768",
      description = "Reported max context length (default: ${DEFAULT-VALUE}).")
  int contextLength;

  @Option(names = "--kv-events-port", defaultValue = "-1",
      description = "HTTP: publish KV events on a ZeroMQ PUB socket at this port (0 = any free port; default: none).")
  int kvEventsPort;

  @Option(names = "--kv-replay-port", defaultValue = "0",
      description = "HTTP with --kv-events-port: the replay (ROUTER) port, 0 = any free port, -1 = none.")
  int kvReplayPort;

  @Option(names = "--kv-dialect", defaultValue = "sglang", description = "vllm | sglang (default: ${DEFAULT-VALUE}).")
  String kvDialect;

  @Option(names = "--kv-topic", defaultValue = "", description = "KV-event topic (default: empty).")
  String kvTopic;

  @Override
  public Integer call() throws InterruptedException {
    SimConfig config = toConfig();
    AutoCloseable worker;
    String description;
    if ("grpc".equalsIgnoreCase(protocol)) {
      dev.switchboard.sim.grpc.SimGrpcWorker grpc = dev.switchboard.sim.grpc.SimGrpcWorker.start(config);
      worker = grpc;
      description = grpc.url() + " (gRPC, " + grpc.workerId() + ")";
    } else if ("http".equalsIgnoreCase(protocol)) {
      SimWorker http = SimWorker.start(config);
      worker = http;
      description = http.url() + " (HTTP, " + http.workerId() + ")";
      if (kvEventsPort >= 0) {
        dev.switchboard.sim.kv.KvEventPublisher kv = http.startKvEvents(new dev.switchboard.sim.kv.KvEventsOptions(host,
            kvEventsPort, kvReplayPort, kvTopic, dev.switchboard.sim.kv.KvDialect.fromWire(kvDialect), 10_000));
        description += ", KV events " + kv.endpoint() + (kv.replayEndpoint() == null ? "" : " (replay " + kv.replayEndpoint() + ")");
      }
    } else {
      System.err.println("sim: --protocol must be http or grpc, was '" + protocol + "'");
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        worker.close();
      } catch (Exception ignored) {
        // shutting down anyway
      }
      stopped.countDown();
    }, "sim-shutdown"));
    System.out.println("sim: " + config.role().name().toLowerCase(java.util.Locale.ROOT) + " worker for model '"
        + config.model() + "' listening on " + description + bootstrapNote(worker) + ". Ctrl-C to stop.");
    stopped.await();
    return 0;
  }

  SimConfig toConfig() {
    return SimConfig.defaults()
        .withHost(host).withPort(port).withModel(model).withRole(SimRole.parse(type))
        .withWorkerId(workerId).withSeed(seed)
        .withTtft(micros(ttftMs * 1000)).withTimePerToken(micros(tpotMs * 1000))
        .withPrefillTimePerToken(micros(prefillMicros))
        .withMaxConcurrent(maxConcurrent).withBatchLimit(batchLimit).withDefaultMaxTokens(maxTokens)
        .withCacheCapacityTokens(cacheTokens).withApiKey(apiKey).withOpenAiOnly(openAiOnly)
        .withBootstrapPort(bootstrapPort).withTokenizerPath(tokenizer)
        .withMaxContextLength(contextLength)
        .withEosTokenIds(eosIds == null || eosIds.isEmpty() ? SimConfig.defaults().eosTokenIds() : eosIds);
  }

  private static String bootstrapNote(AutoCloseable worker) {
    int bootstrap = worker instanceof SimWorker http ? http.bootstrapPort()
        : worker instanceof dev.switchboard.sim.grpc.SimGrpcWorker grpc ? grpc.bootstrapPort() : 0;
    return bootstrap > 0 ? ", bootstrap port " + bootstrap : "";
  }

  private static Duration micros(double micros) {
    return Duration.ofNanos(Math.round(micros * 1000));
  }
}
