package dev.switchboard.sim.grpc;

import dev.switchboard.sim.RecordedRequest;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.SimControls;
import dev.switchboard.sim.SimRole;
import dev.switchboard.sim.SimRuntime;
import dev.switchboard.sim.SimStats;
import dev.switchboard.sim.pd.BootstrapClient;
import dev.switchboard.sim.pd.BootstrapRooms;
import dev.switchboard.sim.pd.BootstrapServer;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A simulated SGLang worker in {@code --grpc-mode}: serves {@code sglang.grpc.scheduler.SglangScheduler} on
 * host:port with the same scheduler, KV cache, fault switches and PD bootstrap as the HTTP simulator.
 */
public final class SimGrpcWorker implements AutoCloseable {

  private final Vertx vertx;
  private final boolean ownsVertx;
  private final GrpcVerticle verticle;
  private final String deploymentId;
  private final Server server;
  private final SchedulerService service;

  private SimGrpcWorker(Vertx vertx, boolean ownsVertx, GrpcVerticle verticle, String deploymentId, Server server,
      SchedulerService service) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.verticle = verticle;
    this.deploymentId = deploymentId;
    this.server = server;
    this.service = service;
  }

  /** Starts on its own single-event-loop Vert.x; blocks until the server listens. */
  public static SimGrpcWorker start(SimConfig config) {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    try {
      return start(config, vertx, true);
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
  }

  /** Starts on an existing Vert.x (not closed by {@link #close()}); blocks, so not from an event loop. */
  public static SimGrpcWorker start(SimConfig config, Vertx vertx) {
    return start(config, vertx, false);
  }

  private static SimGrpcWorker start(SimConfig config, Vertx vertx, boolean ownsVertx) {
    GrpcVocabulary vocabulary = GrpcVocabulary.forPath(config.tokenizerPath());
    GrpcVerticle verticle = new GrpcVerticle(config);
    String deploymentId = await(vertx.deployVerticle(verticle));
    SimRuntime runtime = verticle.runtime;
    GrpcPairing pairing = new GrpcPairing(config.role(), runtime::workerId, verticle.rooms, verticle.client,
        runtime.stats(), verticle::bootstrapPort);
    SchedulerService service = new SchedulerService(runtime, vocabulary, pairing);
    Server server;
    try {
      server = NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.port()))
          .directExecutor()
          .addService(ServerInterceptors.intercept(service, new MetadataCapture()))
          .build()
          .start();
    } catch (IOException e) {
      await(vertx.undeploy(deploymentId));
      throw new UncheckedIOException("cannot listen on " + config.host() + ":" + config.port(), e);
    }
    runtime.bindPort(server.getPort());
    return new SimGrpcWorker(vertx, ownsVertx, verticle, deploymentId, server, service);
  }

  public int port() { return server.getPort(); }

  public String host() { return verticle.runtime.config().host(); }

  /** {@code grpc://<host>:<port>}. */
  public String url() {
    String host = host();
    return "grpc://" + (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port();
  }

  public SimConfig config() { return verticle.runtime.config(); }

  public String workerId() { return verticle.runtime.workerId(); }

  public SimControls controls() { return verticle.runtime.controls(); }

  public SimStats stats() { return verticle.runtime.stats(); }

  /** Recent RPCs: method "GRPC", path the full method name, headers the metadata, body the request bytes. */
  public List<RecordedRequest> received() { return verticle.runtime.received(); }

  public void clearReceived() { verticle.runtime.clearReceived(); }

  /** The bootstrap port of a prefill worker (0 for other roles). */
  public int bootstrapPort() { return verticle.bootstrapPort(); }

  /** Prefill only: how many bootstrap rooms this worker has registered. */
  public long bootstrapRoomsRegistered() { return verticle.rooms == null ? 0 : verticle.rooms.registered(); }

  /** Generate RPCs currently open. */
  public int activeCalls() { return service.activeCalls(); }

  public SimRuntime runtime() { return verticle.runtime; }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      await(vertx.undeploy(deploymentId));
    } catch (RuntimeException ignored) {
      // already undeployed
    }
    if (ownsVertx) {
      await(vertx.close());
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("timed out", e);
    }
  }

  /** Owns the context of the scheduler and the PD bootstrap side. */
  private static final class GrpcVerticle extends VerticleBase {
    private final SimConfig config;
    private SimRuntime runtime;
    private BootstrapRooms rooms;
    private BootstrapServer bootstrapServer;
    private BootstrapClient client;
    private volatile int bootstrapPort;

    GrpcVerticle(SimConfig config) {
      this.config = config;
    }

    int bootstrapPort() {
      return bootstrapPort;
    }

    @Override
    public Future<?> start() {
      runtime = SimRuntime.create(config, vertx, context);
      if (config.role() == SimRole.DECODE) {
        client = new BootstrapClient(vertx, config.bootstrapTimeout());
      }
      if (config.role() != SimRole.PREFILL) {
        return Future.succeededFuture();
      }
      rooms = new BootstrapRooms(vertx, context);
      bootstrapServer = new BootstrapServer(rooms, runtime::workerId);
      return bootstrapServer.listen(vertx, config.host(), config.bootstrapPort()).onSuccess(p -> bootstrapPort = p);
    }

    @Override
    public Future<?> stop() {
      return Future.join(
          bootstrapServer == null ? Future.succeededFuture() : bootstrapServer.close(),
          client == null ? Future.succeededFuture() : client.close());
    }
  }
}
