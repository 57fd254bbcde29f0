package dev.switchboard.bench;

import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.config.DeploymentConfig;
import dev.switchboard.gateway.config.GatewaySettings;
import dev.switchboard.gateway.config.ModelSettings;
import dev.switchboard.text.Tokenizer;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.HealthSettings;
import dev.switchboard.gateway.worker.WorkerSpec;
import dev.switchboard.gateway.worker.WorkerType;
import dev.switchboard.protocol.scheduler.GenerateComplete;
import dev.switchboard.protocol.scheduler.GenerateRequest;
import dev.switchboard.protocol.scheduler.GenerateResponse;
import dev.switchboard.protocol.scheduler.GenerateStreamChunk;
import dev.switchboard.protocol.scheduler.HealthCheckRequest;
import dev.switchboard.protocol.scheduler.HealthCheckResponse;
import dev.switchboard.protocol.scheduler.SglangSchedulerGrpc;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.stub.StreamObserver;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.switchboard.text.BundledTokenizers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The gateway's CPU cost per generated token in gRPC mode: an in-process scheduler streams Qwen3 word tokens as
 * fast as it can (one token per chunk); the gateway detokenizes, runs the stop matcher and the reasoning (and
 * optionally tool) parser, and writes OpenAI SSE chunks to streaming clients. Only the gateway's threads are
 * counted (Vert.x event loops and workers, gRPC client transport and executor); the scheduler and the clients run
 * on threads of their own.
 */
@Command(name = "grpc-token-cost", mixinStandardHelpOptions = true,
    description = "Measure gateway CPU per generated token in gRPC mode (detokenize + parse + SSE).")
public final class GrpcTokenCostBench implements Callable<Integer> {
  private static final String MODEL = "qwen3-bench";
  private static final int IM_END = 151645;
  private static final List<String> GATEWAY_THREADS = List.of("vert.x-eventloop", "vert.x-worker", "vert.x-internal",
      "grpc-nio-worker", "grpc-default-executor", "tokenizer-loader");

  @Option(names = "--tokenizer", description = "Qwen3 tokenizer directory (default: the Qwen3 tokenizer bundled in the jar)")
  Path tokenizer;

  @Option(names = "--tokens", defaultValue = "512", description = "generated tokens per request (default ${DEFAULT-VALUE})")
  int tokensPerRequest;

  @Option(names = "--connections", defaultValue = "8", description = "concurrent streaming clients (default ${DEFAULT-VALUE})")
  int connections;

  @Option(names = "--duration-secs", defaultValue = "15", description = "measured seconds per case (default ${DEFAULT-VALUE})")
  int durationSecs;

  @Option(names = "--warmup-secs", defaultValue = "10", description = "unmeasured seconds before each case (default ${DEFAULT-VALUE})")
  int warmupSecs;

  public static void main(String[] args) {
    System.exit(new CommandLine(new GrpcTokenCostBench()).execute(args));
  }

  record Result(String name, long tokens, long requests, double wallSeconds, double gatewayCpuSeconds) {
    double cpuMicrosPerToken() { return gatewayCpuSeconds * 1e6 / tokens; }
    double tokensPerCoreSecond() { return tokens / gatewayCpuSeconds; }
    double tokensPerSecond() { return tokens / wallSeconds; }
  }

  @Override
  public Integer call() throws Exception {
    Path dir = tokenizer != null ? tokenizer : BundledTokenizers.qwen3Dir();
    int[] words;
    try (Tokenizer t = Tokenizer.load(dir)) {
      words = t.encode(" The quick brown fox jumps over the lazy dog while the router streams tokens to every client,"
          + " and each token becomes text, then a chunk, then bytes on a socket.");
    }
    List<Result> results = new ArrayList<>();
    try (FastScheduler scheduler = new FastScheduler(words, tokensPerRequest)) {
      GatewaySettings g = GatewaySettings.DEFAULTS.withHost("127.0.0.1").withPort(0)
          .withHealth(new HealthSettings(Duration.ofSeconds(5), Duration.ofSeconds(2), 3, 1, "/health"));
      DeploymentConfig config = new DeploymentConfig(g,
          Map.of(MODEL, ModelSettings.NONE.withTokenizer(dir.toString())),
          List.of(WorkerSpec.of(scheduler.url(), MODEL, WorkerType.REGULAR, ConnectionMode.GRPC)));
      try (Gateway gateway = Gateway.start(config)) {
        OverheadBench.awaitReady(gateway);
        String plain = body(false);
        String tools = body(true);
        results.add(run(gateway, "chat stream, reasoning parser", plain));
        results.add(run(gateway, "chat stream, reasoning + tool parser", tools));
      }
    }
    System.out.println(table(results));
    return 0;
  }

  private String body(boolean tools) {
    return "{\"model\":\"" + MODEL + "\",\"stream\":true,\"max_tokens\":" + tokensPerRequest + ",\"stop\":[\"<<never>>\"],"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about routers.\"}]"
        + (tools ? ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\","
            + "\"properties\":{\"city\":{\"type\":\"string\"}}}}}]" : "")
        + "}";
  }

  private Result run(Gateway gateway, String name, String body) throws Exception {
    HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(2, named("bench-client"))).build();
    URI uri = URI.create("http://127.0.0.1:" + gateway.port() + "/v1/chat/completions");
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong requests = new AtomicLong();
    AtomicLong events = new AtomicLong();
    ExecutorService clients = Executors.newFixedThreadPool(connections, named("bench-load"));
    for (int i = 0; i < connections; i++) {
      clients.submit(() -> {
        while (!stop.get()) {
          HttpRequest r = HttpRequest.newBuilder(uri).header("content-type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body)).build();
          HttpResponse<InputStream> resp = http.send(r, HttpResponse.BodyHandlers.ofInputStream());
          try (BufferedReader in = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
            String line;
            boolean done = false;
            while ((line = in.readLine()) != null) {
              if (line.startsWith("data: ")) {
                if (line.equals("data: [DONE]")) done = true;
                else events.incrementAndGet();
              }
            }
            if (!done) throw new IllegalStateException("stream ended without [DONE]");
          }
          requests.incrementAndGet();
        }
        return null;
      });
    }
    Thread.sleep(warmupSecs * 1000L);
    long tokens0 = 0;
    long req0 = requests.get();
    long tok0 = FastScheduler.SENT.get();
    Map<Long, Long> cpu0 = gatewayCpu();
    long t0 = System.nanoTime();
    Thread.sleep(durationSecs * 1000L);
    long t1 = System.nanoTime();
    Map<Long, Long> cpu1 = gatewayCpu();
    long tok1 = FastScheduler.SENT.get();
    long req1 = requests.get();
    stop.set(true);
    clients.shutdown();
    clients.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS);
    long cpu = 0;
    for (Map.Entry<Long, Long> e : cpu1.entrySet()) cpu += e.getValue() - cpu0.getOrDefault(e.getKey(), 0L);
    System.err.printf("%s: %d events%n", name, events.get() + tokens0);
    return new Result(name, tok1 - tok0, req1 - req0, (t1 - t0) / 1e9, cpu / 1e9);
  }

  /** CPU nanoseconds of each live gateway thread, by thread id. */
  private static Map<Long, Long> gatewayCpu() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Map<Long, Long> out = new HashMap<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      String n = t.getName();
      if (GATEWAY_THREADS.stream().anyMatch(n::startsWith)) {
        long c = mx.getThreadCpuTime(t.threadId());
        if (c >= 0) out.put(t.threadId(), c);
      }
    }
    return out;
  }

  private String table(List<Result> results) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%-40s %10s %9s %12s %12s %14s %16s%n", "case", "tokens", "requests", "tokens/s", "gw CPU s",
        "CPU µs/token", "tokens/core-s"));
    for (Result r : results) {
      sb.append(String.format("%-40s %10d %9d %12.0f %12.2f %14.2f %16.0f%n", r.name(), r.tokens(), r.requests(),
          r.tokensPerSecond(), r.gatewayCpuSeconds(), r.cpuMicrosPerToken(), r.tokensPerCoreSecond()));
    }
    sb.append(String.format("%d tokens/request, %d streaming clients, %d cores, %s %s%n", tokensPerRequest, connections,
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"), System.getProperty("java.version")));
    return sb.toString();
  }

  private static java.util.concurrent.ThreadFactory named(String prefix) {
    return Thread.ofPlatform().name(prefix + "-", 0).daemon().factory();
  }

  /** A scheduler that streams word tokens as fast as gRPC takes them, one per chunk, then EOS. */
  static final class FastScheduler extends SglangSchedulerGrpc.SglangSchedulerImplBase implements AutoCloseable {
    static final AtomicLong SENT = new AtomicLong();
    private final int[] words;
    private final int tokens;
    private final Server server;
    private final NioEventLoopGroup group = new NioEventLoopGroup(1, named("bench-scheduler-io"));
    private final ExecutorService executor = Executors.newFixedThreadPool(2, named("bench-scheduler"));

    FastScheduler(int[] words, int tokens) throws Exception {
      this.words = words;
      this.tokens = tokens;
      this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
          .bossEventLoopGroup(group).workerEventLoopGroup(group).channelType(NioServerSocketChannel.class)
          .executor(executor).addService(this).build().start();
    }

    String url() {
      return "grpc://127.0.0.1:" + server.getPort();
    }

    @Override
    public void generate(GenerateRequest request, StreamObserver<GenerateResponse> out) {
      int max = request.getSamplingParams().hasMaxNewTokens() ? request.getSamplingParams().getMaxNewTokens() : tokens;
      int n = Math.min(max, tokens);
      int prompt = request.getTokenized().getInputIdsCount();
      GenerateComplete.Builder done = GenerateComplete.newBuilder().setPromptTokens(prompt).setCompletionTokens(n + 1)
          .setFinishReason("stop").setMatchedTokenId(IM_END);
      for (int i = 0; i < n; i++) {
        int id = words[i % words.length];
        out.onNext(GenerateResponse.newBuilder().setRequestId(request.getRequestId()).setChunk(GenerateStreamChunk.newBuilder()
            .addTokenIds(id).setPromptTokens(prompt).setCompletionTokens(i + 1)).build());
      }
      out.onNext(GenerateResponse.newBuilder().setRequestId(request.getRequestId()).setChunk(GenerateStreamChunk.newBuilder()
          .addTokenIds(IM_END).setPromptTokens(prompt).setCompletionTokens(n + 1)).build());
      out.onNext(GenerateResponse.newBuilder().setRequestId(request.getRequestId()).setComplete(done).build());
      out.onCompleted();
      SENT.addAndGet(n + 1);
    }

    @Override
    public void healthCheck(HealthCheckRequest request, StreamObserver<HealthCheckResponse> out) {
      out.onNext(HealthCheckResponse.newBuilder().setHealthy(true).build());
      out.onCompleted();
    }

    @Override
    public void close() {
      server.shutdownNow();
      group.shutdownGracefully();
      executor.shutdownNow();
    }
  }
}
