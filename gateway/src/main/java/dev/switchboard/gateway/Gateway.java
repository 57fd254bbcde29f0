package dev.switchboard.gateway;

import dev.switchboard.gateway.api.ApiRoutes;
import dev.switchboard.gateway.api.ClientConnections;
import dev.switchboard.gateway.api.Drain;
import dev.switchboard.gateway.config.AdmissionSettings;
import dev.switchboard.gateway.router.Admission;
import dev.switchboard.gateway.worker.CircuitBreaker;
import dev.switchboard.gateway.api.Tenants;
import dev.switchboard.gateway.metrics.AccessLog;
import dev.switchboard.gateway.api.WorkerApi;
import dev.switchboard.gateway.api.console.Console;
import dev.switchboard.gateway.api.console.WorkerExtras;
import dev.switchboard.gateway.config.ConfigLoader;
import dev.switchboard.gateway.config.ConfigWatcher;
import dev.switchboard.gateway.config.DeploymentConfig;
import dev.switchboard.gateway.config.DeploymentDiff;
import dev.switchboard.gateway.config.GatewaySettings;
import dev.switchboard.gateway.config.ModelSettings;
import dev.switchboard.gateway.config.Timeouts;
import dev.switchboard.gateway.grpc.GrpcHealthProbe;
import dev.switchboard.gateway.grpc.ModelInfo;
import dev.switchboard.gateway.grpc.GrpcWorkerClient;
import dev.switchboard.gateway.grpc.WorkerChannels;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.policy.PolicyRegistry;
import dev.switchboard.gateway.policy.PolicySpec;
import dev.switchboard.gateway.router.http.HttpRouters;
import dev.switchboard.gateway.router.pipeline.Pipeline;
import dev.switchboard.gateway.router.RetryRule;
import dev.switchboard.gateway.router.InferenceRouter;
import dev.switchboard.gateway.router.RouterId;
import dev.switchboard.gateway.router.RouterManager;
import dev.switchboard.gateway.router.grpc.GrpcRouter;
import dev.switchboard.gateway.router.grpc.TokenizerRegistry;
import dev.switchboard.gateway.http.HttpWorkerClient;
import dev.switchboard.gateway.kv.KvEventsService;
import dev.switchboard.gateway.kv.KvIndex;
import dev.switchboard.gateway.kv.PromptTokens;
import dev.switchboard.gateway.discovery.KubernetesDiscovery;
import dev.switchboard.gateway.discovery.ModelDiscovery;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.function.Supplier;
import dev.switchboard.gateway.worker.AttemptListener;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.HealthChecker;
import dev.switchboard.gateway.worker.HealthProbe;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.LoadPoller;
import dev.switchboard.gateway.worker.WorkerRegistry;
import dev.switchboard.gateway.worker.WorkerSpec;
import dev.switchboard.gateway.worker.WorkerSnapshot.PoolKey;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds the registry, policies, routers, health checker and HTTP front from a deployment,
 * and starts them. Nothing here is a framework: each part is constructed explicitly with what it needs.
 */
public final class Gateway implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Gateway.class);
  /** How often load-aware policies' workers are asked for {@code /get_load} (the reference's CLI default). */
  private static final Duration LOAD_POLL_INTERVAL = Duration.ofSeconds(1);
  private static final Duration LOAD_POLL_TIMEOUT = Duration.ofSeconds(2);
  /** Replaced on reload; parts that cannot change live keep reading the first one ({@link #startConfig}). */
  private volatile DeploymentConfig config;
  private final DeploymentConfig startConfig;
  private final Vertx vertx;
  private final WorkerRegistry registry = new WorkerRegistry();
  private final PolicyRegistry policies;
  private final HttpWorkerClient upstream;
  private final RouterManager routers;
  private final HealthChecker health;
  private final GatewayMetrics metrics;
  private final Tenants tenants;
  private final AccessLog accessLog;
  private final ModelDiscovery discovery;
  private final WorkerApi workerApi;
  private final LoadPoller loads;
  private final GrpcWorkerClient grpc;
  private final ExecutorService textLoader = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("tokenizer-loader").daemon().factory());
  private final TokenizerRegistry tokenizers;
  private final KvEventsService kvEvents;
  private final AtomicInteger boundPort = new AtomicInteger();
  private final List<String> deploymentIds = new ArrayList<>();
  private volatile ConfigWatcher watcher;
  private volatile KubernetesDiscovery kubernetes;
  /** Everything that learns from attempt outcomes (breakers, metrics, console); the attempt loop calls them all. */
  private final List<AttemptListener> attemptListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Drain drain;
  private final Admission admission;
  /** Client connections open on all event loops (gateway.front.max_connections). */
  private final AtomicInteger clientConnections = new AtomicInteger();
  private final Console console;

  private Gateway(DeploymentConfig config) {
    this.config = config;
    this.startConfig = config;
    GatewaySettings settings = config.gateway();
    this.vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    this.metrics = new GatewayMetrics(registry);
    metrics.routersKnown(java.util.Arrays.stream(RouterId.values()).map(RouterId::wireName).toList());
    attemptListeners.add(metrics);
    this.tenants = new Tenants(settings, metrics);
    this.accessLog = new AccessLog(settings.accessLog());
    // Each worker's breaker takes its model's circuit_breaker settings as it joins; outcomes keep it current.
    registry.addListener(new WorkerRegistry.Listener() {
      @Override
      public void workersChanged(dev.switchboard.gateway.worker.WorkerSnapshot snapshot, List<Worker> added, List<Worker> removed) {
        for (Worker w : added) w.breaker().settings(Gateway.this.config.circuitBreaker(w.model()));
      }

      @Override
      public void healthChanged(Worker worker, boolean healthy) {
        if (healthy) worker.breaker().healthRecovered(); // back after a restart: probe it now, not after open_secs
      }
    });
    attemptListeners.add(CircuitBreaker.FEED);
    this.upstream = new HttpWorkerClient(vertx);
    this.tokenizers = new TokenizerRegistry(config::model, this::anyWorkerModelInfo, textLoader);
    this.kvEvents = new KvEventsService(new KvIndex(KvEventsService.DEFAULT_MAX_ENTRIES), new PromptTokens(config::model, tokenizers, textLoader),
        w -> upstream.get(w, "/get_server_info", settings.health().timeout()).map(Buffer::getBytes).toCompletionStage(),
        this::readsKvEvents);
    this.policies = new PolicyRegistry(this::policyFor, metrics::policyCreated, kvEvents);
    registry.addListener(policies);
    this.discovery = new ModelDiscovery(vertx, upstream, registry);
    this.workerApi = new WorkerApi(registry, discovery, () -> this.config.fleet());
    this.drain = new Drain(vertx, model -> this.config.drainTimeout(model));
    Map<String, AdmissionSettings> perModel = new java.util.HashMap<>();
    config.models().forEach((model, m) -> {
      if (m.admission() != null) perModel.put(model, m.admission());
    });
    this.admission = new Admission(vertx, settings.admission(), perModel, metrics);
    metrics.breakerState(w -> w.breaker().state().code);
    metrics.admissionQueueDepth(admission::queuedTotal);
    this.grpc = new GrpcWorkerClient(new WorkerChannels(settings.timeouts().connect()));
    Pipeline pipeline = new Pipeline(vertx, registry, policies, config::retry, this::timeoutsFor, metrics, attemptListeners);
    this.routers = new RouterManager(registry, id -> Optional.of(createRouter(id, pipeline)));
    HealthProbe http = w -> upstream.get(w, settings.health().endpoint(), settings.health().timeout())
        .map(b -> true).otherwise(false).toCompletionStage();
    registry.addListener((snapshot, added, removed) -> {
      for (Worker w : removed) if (w.connection() == ConnectionMode.GRPC) grpc.channels().forget(w.url());
    });
    HealthProbe grpcProbe = new GrpcHealthProbe(grpc.channels(), settings.health().timeout());
    this.health = new HealthChecker(registry, settings.health(), Map.of(ConnectionMode.HTTP, http, ConnectionMode.GRPC, grpcProbe));
    this.loads = new LoadPoller(registry, w -> upstream.get(w, "/get_load", LOAD_POLL_TIMEOUT).map(Buffer::getBytes).toCompletionStage(),
        w -> upstream.get(w, "/metrics", LOAD_POLL_TIMEOUT).map(Buffer::getBytes).toCompletionStage(),
        w -> policies.policy(w).usesReportedLoad(), loadPollInterval(config));
    this.console = new Console(vertx, registry, routers, policies, config.fleet().adminApiKey(),
        settings.apiKey() != null || !settings.apiKeys().isEmpty(), new WorkerExtras() {
          @Override public String breakerState(Worker worker) { return worker.breaker().state().wireName(); }
        });
    attemptListeners.add(console);
  }

  /** Whether the worker's pool reads KV events (its policy is {@code kv_aware}). */
  private boolean readsKvEvents(Worker w) {
    return policies.policy(w).usesKvEvents();
  }

  /** The default, or the shortest interval a configured policy asks for ({@code kv_aware}'s {@code load_poll_ms}). */
  private static Duration loadPollInterval(DeploymentConfig config) {
    Duration interval = LOAD_POLL_INTERVAL;
    List<PolicySpec> specs = new ArrayList<>(List.of(config.gateway().policy()));
    for (ModelSettings m : config.models().values()) {
      for (PolicySpec s : new PolicySpec[] {m.policy(), m.prefillPolicy(), m.decodePolicy()}) if (s != null) specs.add(s);
    }
    for (PolicySpec s : specs) {
      Duration wanted = dev.switchboard.gateway.policy.Policies.loadPollInterval(s);
      if (wanted != null && wanted.compareTo(interval) < 0) interval = wanted;
    }
    return interval;
  }

  /** Starts a gateway and returns once it listens; workers turn healthy as their first probes answer. */
  public static Gateway start(DeploymentConfig config) {
    return start(config, KubernetesDiscovery::defaultClient);
  }

  /** As {@link #start(DeploymentConfig)}; {@code kubernetes} makes the client when {@code discovery.kubernetes} is set. */
  public static Gateway start(DeploymentConfig config, Supplier<KubernetesClient> kubernetes) {
    Gateway g = new Gateway(config);
    try {
      if (config.kubernetes() != null) {
        g.kubernetes = new KubernetesDiscovery(kubernetes.get(), config.kubernetes(), g.registry, g.discovery,
            config.fleet().drainTimeout()).start();
      }
      g.registry.addAll(config.workers().stream().filter(w -> !w.discoversModel()).toList());
      config.workers().stream().filter(WorkerSpec::discoversModel).forEach(g.discovery::discover);
      g.preloadTokenizers();
      g.kvEvents.start(g.registry);
      g.health.start();
      g.loads.start();
      g.listen();
      return g;
    } catch (RuntimeException e) {
      g.close();
      throw e;
    }
  }

  private InferenceRouter createRouter(RouterId id, Pipeline pipeline) {
    return switch (id) {
      case HTTP_REGULAR -> HttpRouters.regular(pipeline, upstream);
      case HTTP_PD -> HttpRouters.pd(pipeline, upstream);
      case GRPC_REGULAR, GRPC_PD -> new GrpcRouter(id, vertx, pipeline, grpc, tokenizers);
    };
  }

  /** A model's deadlines: its own {@code models.M.timeouts} over the gateway's. */
  private Timeouts timeoutsFor(String model) {
    Timeouts own = config.model(model).timeouts();
    return own != null ? own : config.gateway().timeouts();
  }

  /** Loads the configured tokenizers of gRPC-served models in the background, ahead of their first request. */
  private void preloadTokenizers() {
    for (Worker w : registry.snapshot().all()) {
      if (config.model(w.model()).tokenizer() != null) tokenizers.preload(w.model()); // gRPC routers, kv_aware
    }
  }

  /** GetModelInfo from one of the model's gRPC workers (for its reported tokenizer path). */
  private CompletionStage<ModelInfo> anyWorkerModelInfo(String model) {
    for (Worker w : registry.snapshot().all()) {
      if (w.model().equals(model) && w.connection() == ConnectionMode.GRPC) return grpc.modelInfo(w, config.gateway().health().timeout());
    }
    return CompletableFuture.failedFuture(new IllegalStateException("model '" + model + "' has no gRPC worker"));
  }

  private PolicySpec policyFor(PoolKey pool) {
    ModelSettings m = config.model(pool.model());
    PolicySpec perModel = m.policy() != null ? m.policy() : config.gateway().policy();
    return switch (pool.type()) {
      case REGULAR -> perModel;
      case PREFILL -> m.prefillPolicy() != null ? m.prefillPolicy() : perModel;
      case DECODE -> m.decodePolicy() != null ? m.decodePolicy() : perModel;
    };
  }

  private void listen() {
    GatewaySettings s = config.gateway();
    if (s.port() == 0) s = s.withPort(freePort(s.host()));
    int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
    try {
      // All instances listen on the same port; Vert.x shares one socket among them and spreads connections.
      GatewaySettings fixed = s;
      DeploymentOptions options = new DeploymentOptions().setInstances(instances);
      deploymentIds.add(vertx.deployVerticle(() -> new ServerVerticle(fixed), options).await(30, TimeUnit.SECONDS));
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException("cannot listen on " + s.host() + ":" + s.port() + ": " + cause.getMessage(), cause);
    }
  }

  /** Vert.x gives each instance its own port for port 0, so "any free port" is resolved once, up front. */
  private static int freePort(String host) {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("cannot find a free port on " + host + ": " + e.getMessage(), e);
    }
  }

  /** One HTTP server per event loop, all on the same port; Vert.x spreads connections over them. */
  private final class ServerVerticle extends AbstractVerticle {
    private final GatewaySettings settings;

    ServerVerticle(GatewaySettings settings) {
      this.settings = settings;
    }

    private ClientConnections connections;

    @Override
    public void start(Promise<Void> started) {
      HttpServerOptions options = new HttpServerOptions()
          .setHost(settings.host())
          .setPort(settings.port())
          .setTcpNoDelay(true)
          .setCompressionSupported(false)
          .setMaxInitialLineLength(ApiRoutes.MAX_INITIAL_LINE)
          .setMaxHeaderSize(ApiRoutes.MAX_HEADER_SIZE)
          // HTTP/1.1 only: h2c detection would hold a connection back from the connection handler until it sends bytes
          .setHttp2ClearTextEnabled(false)
          .setIdleTimeout(0); // idle and slow clients are ClientConnections' business
      HttpServer server = vertx.createHttpServer(options);
      io.vertx.ext.web.Router web = ApiRoutes.create(vertx, settings, startConfig.fleet(), () -> config.fleet(), routers, registry,
          upstream, metrics, workerApi, tenants, accessLog, drain, admission);
      console.mount(web);
      connections = new ClientConnections(vertx, settings.front(), clientConnections);
      server.connectionHandler(connections::connected)
          .invalidRequestHandler(ApiRoutes::invalidRequest)
          .requestHandler(connections.requests(web))
          .listen()
          .onSuccess(s -> {
            boundPort.compareAndSet(0, s.actualPort());
            started.complete();
          })
          .onFailure(started::fail);
    }

    @Override
    public void stop() {
      if (connections != null) connections.close();
    }
  }

  /**
   * Applies a re-read deployment: workers added, removed (drained first), updated in place or replaced; the live
   * fleet settings (allow-list, readiness, drain bound) switch over; other changed settings are logged as needing a
   * restart. Only workers the file declared are touched (not those added through the API or by discovery).
   */
  public synchronized DeploymentDiff reload(DeploymentConfig next) {
    DeploymentConfig running = config;
    DeploymentDiff diff = DeploymentDiff.of(running, next);
    config = new DeploymentConfig(startConfig.gateway(), startConfig.models(), next.workers(), next.fleet(), startConfig.kubernetes());
    java.time.Duration drain = next.fleet().drainTimeout();
    for (WorkerSpec w : diff.removed()) {
      discovery.forget(w.url());
      registry.drainAndRemove(w.url(), drain);
    }
    for (WorkerSpec w : diff.added()) addDeclared(w);
    for (WorkerSpec w : diff.updated()) {
      registry.update(w.url(), live -> w.discoversModel() ? w.withModel(live.model()) : w);
    }
    for (WorkerSpec w : diff.replaced()) {
      discovery.forget(w.url());
      registry.drainAndRemove(w.url(), drain).thenRun(() -> addDeclared(w));
    }
    log.info("config reloaded: {}", diff);
    return diff;
  }

  private void addDeclared(WorkerSpec w) {
    if (w.discoversModel()) {
      discovery.discover(w);
      return;
    }
    try {
      registry.add(w);
    } catch (IllegalArgumentException e) {
      log.warn("config reload: {} (kept the registered one)", e.getMessage());
    }
  }

  /**
   * Watches the deployment file (and SIGHUP) and {@link #reload}s it when it changes. {@code adjust} re-applies
   * what the command line overrode.
   */
  public ConfigWatcher watchConfig(Path file, UnaryOperator<DeploymentConfig> adjust, boolean sighup) {
    ConfigWatcher w = new ConfigWatcher(file, () -> adjust.apply(ConfigLoader.load(file)), this::reload, java.time.Duration.ofMillis(200));
    if (sighup) w.onSighup();
    watcher = w;
    return w;
  }

  public int port() { return boundPort.get(); }
  public DeploymentConfig config() { return config; }
  public WorkerRegistry registry() { return registry; }
  public RouterManager routers() { return routers; }
  public PolicyRegistry policies() { return policies; }
  public KvEventsService kvEvents() { return kvEvents; }
  public Vertx vertx() { return vertx; }
  public GatewayMetrics metrics() { return metrics; }

  /**
   * Starts a graceful drain (as SIGTERM and {@code POST /drain} do): readiness 503, new requests 503, requests in
   * flight end by their model's drain_timeout_secs. Completes when none is left.
   */
  public io.vertx.core.Future<Void> drain() { return drain.start(); }

  /** The drain state (whether one has started, what is still in flight). */
  public Drain drainState() { return drain; }

  /** The admission limiter (gateway-wide and per-model counts). */
  public Admission admission() { return admission; }

  /** The consumers of attempt outcomes, in order (the attempt loop calls each). */
  public List<AttemptListener> attemptListeners() { return attemptListeners; }

  /** Adds a consumer of attempt outcomes (see {@link AttemptListener}). */
  public void addAttemptListener(AttemptListener listener) { attemptListeners.add(listener); }

  @Override
  public void close() {
    ConfigWatcher w = watcher;
    if (w != null) w.close();
    KubernetesDiscovery k = kubernetes;
    if (k != null) k.close();
    discovery.close();
    health.close();
    loads.close();
    kvEvents.close();
    try {
      for (String id : deploymentIds) vertx.undeploy(id).await(10, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // shutting down anyway
    }
    upstream.close();
    grpc.close();
    tokenizers.close();
    textLoader.shutdownNow();
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // shutting down anyway
    }
  }
}
