package dev.switchboard.gateway.http;

import dev.switchboard.gateway.exchange.Exchange;
import dev.switchboard.gateway.exchange.Headers;
import dev.switchboard.gateway.worker.LoadPoller;
import dev.switchboard.gateway.worker.Worker;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's one pooled HTTP/1.1 client to all HTTP workers (keep-alive, TCP_NODELAY), and the rules for
 * what an upstream request carries: the client's end-to-end headers, the worker's own key, the request id.
 */
public final class HttpWorkerClient implements AutoCloseable {
  /** Requests waiting for a pooled connection beyond this many are refused at once (the connect deadline bounds the wait). */
  private static final int MAX_WAIT_QUEUE = 4096;

  private final Vertx vertx;
  private final HttpClientOptions options;
  private final PoolOptions pool;
  /** Requests made off an event loop (health checks at startup, tests). */
  private final HttpClientAgent client;
  /**
   * One client per event loop, so a request's upstream connection lives on the event loop of the client's
   * request: with one shared pool, a connection made on the other loop costs a thread hop each way per request.
   */
  private final java.util.Map<io.netty.channel.EventLoop, HttpClientAgent> byLoop = new java.util.concurrent.ConcurrentHashMap<>();

  public HttpWorkerClient(Vertx vertx) {
    this.vertx = vertx;
    HttpClientOptions options = new HttpClientOptions()
        .setKeepAlive(true)
        .setTcpNoDelay(true)
        .setTcpKeepAlive(true)
        .setKeepAliveTimeout(50)
        .setMaxInitialLineLength(8192);
    PoolOptions pool = new PoolOptions().setHttp1MaxSize(1024).setMaxWaitQueueSize(MAX_WAIT_QUEUE);
    this.options = options;
    this.pool = pool;
    this.client = vertx.createHttpClient(options, pool);
  }

  /** The client of the calling event loop (created on first use), else the shared one. */
  private HttpClientAgent client() {
    if (!(Vertx.currentContext() instanceof io.vertx.core.internal.ContextInternal ctx) || !ctx.isEventLoopContext()) return client;
    io.netty.channel.EventLoop loop = ctx.nettyEventLoop();
    HttpClientAgent c = byLoop.get(loop);
    return c != null ? c : byLoop.computeIfAbsent(loop, l -> vertx.createHttpClient(options, pool));
  }

  /**
   * Opens a request to {@code worker}{@code path}. The caller sends the body; the response's head arrives through
   * {@link HttpClientRequest#response()} and its body is left for the caller to stream. There is no socket idle
   * timeout: the attempt loop's first-byte and idle deadlines watch the answer.
   *
   * @param connectTimeout bounds connecting and waiting for a pooled connection (0: the client default, 60 s)
   */
  public Future<HttpClientRequest> open(Worker worker, HttpMethod method, String path, Exchange exchange, Duration connectTimeout) {
    RequestOptions ro = options(worker, method, path, connectTimeout.toMillis(), 0);
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    if (exchange != null) {
      Headers.copyEndToEnd(exchange.request().headers(), headers);
      headers.set(Headers.REQUEST_ID, exchange.workerRequestId());
    }
    if (worker.apiKey() != null) headers.set(HttpHeaders.AUTHORIZATION, "Bearer " + worker.apiKey());
    ro.setHeaders(headers);
    return client().request(ro);
  }

  /** Sends {@code body} and returns the response head; the body stays unread (paused) for the caller. */
  public Future<HttpClientResponse> send(HttpClientRequest request, Buffer body) {
    if (body != null) request.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    Future<HttpClientResponse> response = body == null ? request.send() : request.send(body);
    return response.map(r -> {
      r.pause();
      return r;
    });
  }

  /**
   * Tells an SGLang worker to stop a request ({@code POST /abort_request {"rid": ...}}, the id the gateway sent as
   * x-request-id), next to resetting its connection. Fire and forget: a worker without the endpoint answers 404.
   */
  public void abort(Worker worker, String rid) {
    RequestOptions ro = options(worker, HttpMethod.POST, "/abort_request", ABORT_TIMEOUT_MS, ABORT_TIMEOUT_MS);
    if (worker.apiKey() != null) ro.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + worker.apiKey());
    ro.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    client.request(ro).compose(r -> r.send("{\"rid\":\"" + rid + "\"}")).compose(HttpClientResponse::body)
        .timeout(ABORT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  private static final long ABORT_TIMEOUT_MS = 2_000;

  /** A small GET whose whole body is wanted (health, metadata, load); fails on non-2xx. */
  public Future<Buffer> get(Worker worker, String path, Duration timeout) {
    RequestOptions ro = options(worker, HttpMethod.GET, path, timeout.toMillis(), timeout.toMillis());
    if (worker.apiKey() != null) ro.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + worker.apiKey());
    // The overall deadline also covers waiting for a pooled connection, which the socket timeouts do not.
    return client().request(ro)
        .compose(HttpClientRequest::send)
        .compose(r -> r.body().compose(b -> r.statusCode() / 100 == 2
            ? Future.succeededFuture(b)
            : Future.failedFuture(new UpstreamStatusException(r.statusCode(), b))))
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static RequestOptions options(Worker worker, HttpMethod method, String path, long connectMs, long idleMs) {
    String host = worker.host();
    if (host.startsWith("[")) host = host.substring(1, host.length() - 1); // the client wants a bare IPv6 literal
    return new RequestOptions()
        .setMethod(method)
        .setHost(host)
        .setPort(worker.port())
        .setSsl(worker.tls())
        .setURI(worker.basePath() + path)
        .setConnectTimeout(connectMs > 0 ? connectMs : -1)
        .setIdleTimeout(idleMs > 0 ? idleMs : 0);
  }

  @Override
  public void close() {
    client.close();
    byLoop.values().forEach(HttpClientAgent::close);
  }

  /** A worker answered with a non-2xx status where success was required. */
  public static final class UpstreamStatusException extends RuntimeException implements LoadPoller.StatusFailure {
    private final int status;
    private final transient Buffer body;

    public UpstreamStatusException(int status, Buffer body) {
      super("worker answered " + status, null, false, false);
      this.status = status;
      this.body = body;
    }

    @Override public int status() { return status; }
    public Buffer body() { return body; }
  }
}
