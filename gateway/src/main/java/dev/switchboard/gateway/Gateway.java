package dev.switchboard.gateway;

import dev.switchboard.gateway.api.ApiRoutes;
import dev.switchboard.gateway.config.DeploymentConfig;
import dev.switchboard.gateway.config.GatewaySettings;
import dev.switchboard.gateway.config.ModelSettings;
import dev.switchboard.gateway.policy.PolicyRegistry;
import dev.switchboard.gateway.policy.PolicySpec;
import dev.switchboard.gateway.router.HttpRegularRouter;
import dev.switchboard.gateway.router.RetryRule;
import dev.switchboard.gateway.router.Router;
import dev.switchboard.gateway.router.RouterId;
import dev.switchboard.gateway.router.RouterManager;
import dev.switchboard.gateway.upstream.HttpUpstream;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.HealthChecker;
import dev.switchboard.gateway.worker.HealthProbe;
import dev.switchboard.gateway.worker.LoadPoller;
import dev.switchboard.gateway.worker.WorkerRegistry;
import dev.switchboard.gateway.worker.WorkerSnapshot.PoolKey;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The composition root: builds the registry, policies, routers, health checker and HTTP front from a deployment,
 * and starts them. Nothing here is a framework: each part is constructed explicitly with what it needs.
 */
public final class Gateway implements AutoCloseable {
  /** How often load-aware policies' workers are asked for {@code /get_load} (the reference's CLI default). */
  private static final Duration LOAD_POLL_INTERVAL = Duration.ofSeconds(1);
  private static final Duration LOAD_POLL_TIMEOUT = Duration.ofSeconds(2);
  private final DeploymentConfig config;
  private final Vertx vertx;
  private final WorkerRegistry registry = new WorkerRegistry();
  private final PolicyRegistry policies;
  private final HttpUpstream upstream;
  private final RouterManager routers;
  private final HealthChecker health;
  private final LoadPoller loads;
  private final AtomicInteger boundPort = new AtomicInteger();
  private String deploymentId;

  private Gateway(DeploymentConfig config) {
    this.config = config;
    GatewaySettings settings = config.gateway();
    this.vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    this.policies = new PolicyRegistry(this::policyFor);
    registry.addListener(policies);
    this.upstream = new HttpUpstream(vertx, settings);
    RetryRule retry = new RetryRule(settings.maxAttempts(), settings.retryBackoff().toMillis());
    this.routers = new RouterManager(registry, id -> createRouter(id, retry));
    HealthProbe http = w -> upstream.get(w, settings.health().endpoint(), settings.health().timeout())
        .map(b -> true).otherwise(false).toCompletionStage();
    this.health = new HealthChecker(registry, settings.health(), Map.of(ConnectionMode.HTTP, http));
    this.loads = new LoadPoller(registry, w -> upstream.get(w, "/get_load", LOAD_POLL_TIMEOUT).map(Buffer::getBytes).toCompletionStage(),
        w -> policies.policy(w).usesReportedLoad(), LOAD_POLL_INTERVAL);
  }

  /** Starts a gateway and returns once it listens; workers turn healthy as their first probes answer. */
  public static Gateway start(DeploymentConfig config) {
    Gateway g = new Gateway(config);
    try {
      g.registry.addAll(config.workers());
      g.health.start();
      g.loads.start();
      g.listen();
      return g;
    } catch (RuntimeException e) {
      g.close();
      throw e;
    }
  }

  private Optional<Router> createRouter(RouterId id, RetryRule retry) {
    return switch (id) {
      case HTTP_REGULAR -> Optional.of(new HttpRegularRouter(vertx, registry, policies, upstream, retry));
      case HTTP_PD, GRPC_REGULAR, GRPC_PD -> Optional.empty();
    };
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
    int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
    DeploymentOptions options = new DeploymentOptions().setInstances(instances);
    try {
      deploymentId = vertx.deployVerticle(() -> new ServerVerticle(s), options).await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException("cannot listen on " + s.host() + ":" + s.port() + ": " + cause.getMessage(), cause);
    }
  }

  /** One HTTP server per event loop, all on the same port; Vert.x spreads connections over them. */
  private final class ServerVerticle extends AbstractVerticle {
    private final GatewaySettings settings;

    ServerVerticle(GatewaySettings settings) {
      this.settings = settings;
    }

    @Override
    public void start(Promise<Void> started) {
      HttpServerOptions options = new HttpServerOptions()
          .setHost(settings.host())
          .setPort(boundPort.get() > 0 ? boundPort.get() : settings.port())
          .setTcpNoDelay(true)
          .setCompressionSupported(false)
          .setIdleTimeout(0);
      HttpServer server = vertx.createHttpServer(options);
      server.requestHandler(ApiRoutes.create(vertx, settings, routers, registry, upstream))
          .listen()
          .onSuccess(s -> {
            boundPort.compareAndSet(0, s.actualPort());
            started.complete();
          })
          .onFailure(started::fail);
    }
  }

  public int port() { return boundPort.get(); }
  public DeploymentConfig config() { return config; }
  public WorkerRegistry registry() { return registry; }
  public RouterManager routers() { return routers; }
  public PolicyRegistry policies() { return policies; }
  public Vertx vertx() { return vertx; }

  @Override
  public void close() {
    health.close();
    loads.close();
    try {
      if (deploymentId != null) vertx.undeploy(deploymentId).await(10, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // shutting down anyway
    }
    upstream.close();
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // shutting down anyway
    }
  }
}
