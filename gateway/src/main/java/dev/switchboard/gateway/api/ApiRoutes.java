package dev.switchboard.gateway.api;

import dev.switchboard.gateway.config.FleetSettings;
import dev.switchboard.gateway.config.GatewaySettings;
import dev.switchboard.gateway.exchange.Endpoint;
import dev.switchboard.gateway.exchange.Headers;
import dev.switchboard.gateway.exchange.OpenAiError;
import dev.switchboard.gateway.metrics.AccessLog;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.router.RouterManager;
import dev.switchboard.gateway.http.HttpWorkerClient;
import dev.switchboard.gateway.worker.WorkerRegistry;
import dev.switchboard.gateway.router.Admission;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The gateway's HTTP surface. Every response carries {@code x-request-id}; inference routes need the gateway key
 * when one is configured. The worker API and the status routes that show worker URLs need the admin key when one
 * is configured (without one, the worker API's changes need the gateway key, if any, and status routes are open);
 * the other status routes are open. Errors are OpenAI-shaped JSON, including 404, 405 and 413.
 */
public final class ApiRoutes {
  static final String REQUEST_ID_KEY = "switchboard.requestId";

  private static final Map<String, Endpoint> INFERENCE = Map.of(
      "/v1/chat/completions", Endpoint.CHAT,
      "/v1/completions", Endpoint.COMPLETIONS,
      "/generate", Endpoint.GENERATE,
      "/v1/embeddings", Endpoint.EMBEDDINGS,
      "/v1/rerank", Endpoint.RERANK,
      "/rerank", Endpoint.RERANK,
      "/v1/responses", Endpoint.RESPONSES);

  /** The HTTP codec's limits (Vert.x's defaults, stated): longer request lines get 414, larger headers 431. */
  public static final int MAX_INITIAL_LINE = 4096;
  public static final int MAX_HEADER_SIZE = 8192;

  private ApiRoutes() {}

  /** Admin request bodies (one worker, one patch) are small. */
  private static final long ADMIN_BODY_LIMIT = 64 * 1024;

  /**
   * @param fleet the admin key (fixed for the server's life) and, through {@code liveFleet}, the settings that
   *     change on reload (allow-list, readiness mode, drain bound)
   * @param workers the worker API, or {@code null} for none
   * @param tenants the client keys and their limits, shared by every event loop's router
   * @param accessLog where each inference request's line goes
   */
  public static Router create(Vertx vertx, GatewaySettings settings, FleetSettings fleet, Supplier<FleetSettings> liveFleet,
      RouterManager routers, WorkerRegistry registry, HttpWorkerClient upstream, GatewayMetrics metrics, WorkerApi workers,
      Tenants tenants, AccessLog accessLog, Drain drain, Admission admission) {
    Router web = Router.router(vertx);
    web.route().handler(ApiRoutes::assignRequestId);
    FrontGate gate = new FrontGate(drain, admission);

    BodyHandler body = BodyHandler.create(false).setBodyLimit(settings.maxPayloadBytes()).setHandleFileUploads(false);
    for (Map.Entry<String, Endpoint> e : INFERENCE.entrySet()) {
      web.post(e.getKey()).handler(new RequestRecorder(e.getValue(), metrics, accessLog));
      // Key and limits are checked on a route of their own, before the body is read: no work for refused clients.
      web.post(e.getKey()).handler(tenants::handle);
      // Refused before the body is read too: a draining gateway, a body that is not JSON.
      web.post(e.getKey()).handler(ctx -> refuseEarly(ctx, drain));
      web.post(e.getKey()).handler(body).handler(new InferenceHandler(e.getValue(), routers, gate));
    }

    ApiKeyCheck admin = ApiKeyCheck.ofNullable(fleet.adminApiKey(), "admin key");
    // Without an admin key, changing the fleet still needs a client key when there are any (SGLang's rule).
    ApiKeyCheck change = admin != null ? admin : tenants.keys();
    StatusHandlers status = new StatusHandlers(routers, registry, upstream, () -> liveFleet.get().readiness(), drain);
    // Starts a graceful drain (as SIGTERM does); guarded like the fleet's changes: the admin key, else client keys.
    if (change != null) web.post("/drain").handler(ctx -> requireKey(ctx, change));
    web.post("/drain").handler(ctx -> {
      drain.start();
      ctx.response().setStatusCode(202).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end("{\"draining\":true,\"in_flight\":" + drain.inFlight() + "}");
    });
    web.get("/health").handler(StatusHandlers::ok);
    web.get("/liveness").handler(StatusHandlers::ok);
    web.get("/readiness").handler(status::readiness);
    web.get("/health_generate").handler(status::readiness);
    web.get("/v1/models").handler(status::models);
    web.get("/get_server_info").handler(status::serverInfo);
    if (admin != null) {
      for (String path : new String[] {"/get_model_info", "/routers", "/workers", "/workers/:id", "/list_workers"}) {
        web.get(path).handler(ctx -> requireKey(ctx, admin));
      }
      if (fleet.metricsRequireAdminKey()) web.get("/metrics").handler(ctx -> requireKey(ctx, admin));
    }
    web.get("/get_model_info").handler(status::modelInfo);
    web.get("/routers").handler(status::routers);
    if (workers != null) {
      BodyHandler adminBody = BodyHandler.create(false).setBodyLimit(ADMIN_BODY_LIMIT).setHandleFileUploads(false);
      if (change != null) {
        web.post("/workers").handler(ctx -> requireKey(ctx, change));
        web.patch("/workers/:id").handler(ctx -> requireKey(ctx, change));
        web.delete("/workers/:id").handler(ctx -> requireKey(ctx, change));
        web.post("/add_worker").handler(ctx -> requireKey(ctx, change));
        web.post("/remove_worker").handler(ctx -> requireKey(ctx, change));
      }
      web.get("/workers").handler(workers::list);
      web.post("/workers").handler(adminBody).handler(workers::create);
      web.get("/workers/:id").handler(workers::get);
      web.patch("/workers/:id").handler(adminBody).handler(workers::patch);
      web.delete("/workers/:id").handler(workers::delete);
      web.post("/add_worker").handler(workers::addWorker);
      web.post("/remove_worker").handler(workers::removeWorker);
      web.get("/list_workers").handler(workers::listUrls);
    } else {
      web.get("/workers").handler(status::workers);
    }
    web.get("/metrics").handler(ctx -> ctx.vertx().executeBlocking(metrics::scrape, false)
        .onSuccess(text -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, metrics.contentType()).end(Buffer.buffer(text)))
        .onFailure(ctx::fail));

    web.errorHandler(404, ctx -> sendError(ctx, OpenAiError.notFound("no route for " + ctx.request().method() + " " + ctx.request().path())));
    web.errorHandler(405, ctx -> sendError(ctx, new OpenAiError(405, "method " + ctx.request().method() + " is not allowed on " + ctx.request().path(), "invalid_request_error", null, "method_not_allowed")));
    web.errorHandler(413, ctx -> sendError(ctx, OpenAiError.payloadTooLarge("request body is larger than the gateway's limit of " + settings.maxPayloadBytes() + " bytes")));
    web.errorHandler(400, ctx -> sendError(ctx, OpenAiError.badRequest("bad request")));
    web.errorHandler(500, ctx -> sendError(ctx, OpenAiError.internal("internal error: " + (ctx.failure() == null ? "unknown" : ctx.failure().getMessage()))));
    return web;
  }

  private static void refuseEarly(RoutingContext ctx, Drain drain) {
    if (drain.draining()) {
      ctx.request().pause();
      sendError(ctx, Drain.refusal());
      return;
    }
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type != null && !isJson(type)) {
      ctx.request().pause();
      sendError(ctx, new OpenAiError(415, "content-type must be application/json, not '" + type + "'",
          "invalid_request_error", null, "unsupported_media_type"));
      return;
    }
    ctx.next();
  }

  /** application/json, any {@code +json} type, with or without parameters (charset). */
  static boolean isJson(String contentType) {
    int semi = contentType.indexOf(';');
    String media = (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(java.util.Locale.ROOT);
    return media.equals("application/json") || media.endsWith("+json") || media.isEmpty();
  }

  /**
   * Requests the HTTP codec could not read (request line or headers too long, garbage): the status Vert.x would
   * send (414, 431, 400) with an OpenAI-shaped body, then the connection closes.
   */
  public static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    OpenAiError error;
    if (cause instanceof TooLongHttpLineException) {
      error = new OpenAiError(414, "the request line (URI) is longer than the gateway's limit of " + MAX_INITIAL_LINE + " bytes",
          "invalid_request_error", null, "uri_too_long");
    } else if (cause instanceof TooLongHttpHeaderException) {
      error = new OpenAiError(431, "the request headers are larger than the gateway's limit of " + MAX_HEADER_SIZE + " bytes",
          "invalid_request_error", null, "headers_too_large");
    } else {
      error = OpenAiError.badRequest("the request is not valid HTTP" + (cause == null ? "" : ": " + cause.getMessage()));
    }
    request.response().setStatusCode(error.status()).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader("connection", "close").end(error.toBuffer());
    request.connection().close();
  }

  private static void assignRequestId(RoutingContext ctx) {
    String given = ctx.request().getHeader(Headers.REQUEST_ID);
    String id = RequestIds.acceptable(given) ? given : RequestIds.generate(prefixFor(ctx.request().path()));
    ctx.put(REQUEST_ID_KEY, id);
    HttpServerResponse response = ctx.response();
    ctx.addHeadersEndHandler(v -> response.headers().set(Headers.REQUEST_ID, id));
    ctx.next();
  }

  private static String prefixFor(String path) {
    Endpoint e = path == null ? null : INFERENCE.get(path);
    return e == null ? "req-" : e.idPrefix();
  }

  private static void requireKey(RoutingContext ctx, ApiKeyCheck check) {
    if (check.accepts(ctx.request().getHeader(HttpHeaders.AUTHORIZATION))) {
      ctx.next();
    } else {
      ctx.request().pause();
      sendError(ctx, OpenAiError.unauthorized("missing or wrong API key: send 'Authorization: Bearer <" + check.what() + ">'"));
    }
  }

  static void sendError(RoutingContext ctx, OpenAiError error) {
    HttpServerResponse r = ctx.response();
    if (r.ended() || r.closed() || r.headWritten()) return;
    // Busy or unavailable: tell clients when to come back instead of letting them hammer a failing fleet.
    if ((error.status() == 429 || error.status() == 503) && !r.headers().contains("retry-after")) {
      r.putHeader("retry-after", Integer.toString(Admission.RETRY_AFTER_SECS));
    }
    r.setStatusCode(error.status()).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(error.toBuffer());
  }
}
