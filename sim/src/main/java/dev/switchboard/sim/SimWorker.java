package dev.switchboard.sim;

import dev.switchboard.sim.http.SimHttpServer;
import dev.switchboard.sim.pd.BootstrapClient;
import dev.switchboard.sim.pd.BootstrapRooms;
import dev.switchboard.sim.pd.BootstrapServer;
import dev.switchboard.sim.pd.PdAdmission;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A simulated SGLang / OpenAI-compatible worker over HTTP, in-process. Start with {@link #start(SimConfig)}; it
 * listens until {@link #close()}. All of its request handling and scheduling runs on one Vert.x event loop.
 */
public final class SimWorker implements AutoCloseable {

  private static final long STARTUP_TIMEOUT_SECONDS = 30;

  private final Vertx vertx;
  private final boolean ownsVertx;
  private final WorkerVerticle verticle;
  private final String deploymentId;

  private SimWorker(Vertx vertx, boolean ownsVertx, WorkerVerticle verticle, String deploymentId) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.verticle = verticle;
    this.deploymentId = deploymentId;
  }

  /** Starts a worker on its own single-event-loop Vert.x; blocks until it listens. */
  public static SimWorker start(SimConfig config) {
    dev.switchboard.sim.http.Json.warmUp();
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    try {
      return await(startAsync(config, vertx, true));
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
  }

  /** Starts a worker on an existing Vert.x (not closed by {@link #close()}); blocks until it listens. Do not call
   * from an event-loop thread: use {@link #startAsync(SimConfig, Vertx)} there. */
  public static SimWorker start(SimConfig config, Vertx vertx) {
    dev.switchboard.sim.http.Json.warmUp();
    return await(startAsync(config, vertx, false));
  }

  /** Starts a worker on an existing Vert.x without blocking. */
  public static Future<SimWorker> startAsync(SimConfig config, Vertx vertx) {
    return startAsync(config, vertx, false);
  }

  private static Future<SimWorker> startAsync(SimConfig config, Vertx vertx, boolean ownsVertx) {
    WorkerVerticle verticle = new WorkerVerticle(config);
    return vertx.deployVerticle(verticle).map(id -> new SimWorker(vertx, ownsVertx, verticle, id));
  }

  public int port() { return verticle.runtime.port(); }

  public String host() { return verticle.runtime.config().host(); }

  /** {@code http://<host>:<port>}. */
  public String url() { return "http://" + hostForUrl(host()) + ":" + port(); }

  public SimConfig config() { return verticle.runtime.config(); }

  public String workerId() { return verticle.runtime.workerId(); }

  public SimControls controls() { return verticle.runtime.controls(); }

  public SimStats stats() { return verticle.runtime.stats(); }

  /** The most recent requests (up to {@link SimConfig#recordLimit()}), oldest first. */
  public List<RecordedRequest> received() { return verticle.runtime.received(); }

  /** Forgets the recorded requests. */
  public void clearReceived() { verticle.runtime.clearReceived(); }

  /** The bootstrap port of a prefill worker (0 for other roles). */
  public int bootstrapPort() { return verticle.bootstrapPort(); }

  /** Prefill only: how many bootstrap rooms this worker has registered. */
  public long bootstrapRoomsRegistered() { return verticle.roomsRegistered(); }

  /** Starts publishing this worker's KV events over ZeroMQ (see {@link dev.switchboard.sim.kv.KvEventPublisher}). */
  public dev.switchboard.sim.kv.KvEventPublisher startKvEvents(dev.switchboard.sim.kv.KvEventsOptions options) {
    return verticle.runtime.startKvEvents(options);
  }

  /** Stops publishing KV events (an engine restart, for tests: start them again on the same ports). */
  public void stopKvEvents() {
    verticle.runtime.stopKvEvents();
  }

  /** Shared state for the gRPC face or tests that need the scheduler. */
  public SimRuntime runtime() { return verticle.runtime; }

  /** Stops listening (and closes the owned Vert.x); blocks until done. */
  @Override
  public void close() {
    verticle.runtime.stopKvEvents();
    try {
      await(vertx.undeploy(deploymentId));
    } catch (RuntimeException ignored) {
      // already undeployed
    }
    if (ownsVertx) {
      await(vertx.close());
    }
  }

  static String hostForUrl(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(STARTUP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("timed out", e);
    }
  }

  /** Owns the event-loop context the worker's servers and scheduler live on. */
  private static final class WorkerVerticle extends VerticleBase {
    private final SimConfig config;
    private SimRuntime runtime;
    private HttpServer server;
    private BootstrapRooms rooms;
    private BootstrapServer bootstrapServer;
    private BootstrapClient bootstrapClient;
    private volatile int bootstrapPort;

    WorkerVerticle(SimConfig config) {
      this.config = config;
    }

    int bootstrapPort() {
      return bootstrapPort;
    }

    long roomsRegistered() {
      return rooms == null ? 0 : rooms.registered();
    }

    @Override
    public Future<?> start() {
      runtime = SimRuntime.create(config, vertx, context);
      if (config.role() == SimRole.PREFILL) {
        rooms = new BootstrapRooms(vertx, context);
        bootstrapServer = new BootstrapServer(rooms, runtime::workerId);
      } else if (config.role() == SimRole.DECODE) {
        bootstrapClient = new BootstrapClient(vertx, config.bootstrapTimeout());
      }
      PdAdmission admission = new PdAdmission(config.role(), runtime::workerId, rooms,
          bootstrapClient, runtime.stats());
      HttpServerOptions options = new HttpServerOptions().setHost(config.host()).setPort(config.port())
          .setTcpNoDelay(true).setReuseAddress(true);
      server = vertx.createHttpServer(options)
          .requestHandler(new SimHttpServer(runtime, this::bootstrapPort,
              config.role() == SimRole.REGULAR ? null : admission));
      Future<?> listening = server.listen().onSuccess(s -> runtime.bindPort(s.actualPort()));
      if (bootstrapServer == null) {
        return listening;
      }
      return listening.compose(s -> bootstrapServer.listen(vertx, config.host(), config.bootstrapPort()))
          .onSuccess(port -> bootstrapPort = port);
    }

    @Override
    public Future<?> stop() {
      return Future.join(
          server == null ? Future.succeededFuture() : server.close(),
          bootstrapServer == null ? Future.succeededFuture() : bootstrapServer.close(),
          bootstrapClient == null ? Future.succeededFuture() : bootstrapClient.close());
    }
  }
}
