package dev.switchboard.gateway.exchange;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * One client request on its way through the gateway: the client connection, the body read once, the facts
 * routing needs, and the request id every response carries.
 */
public final class Exchange {
  private static final Buffer EVENT_END = Buffer.buffer("\n\n");
  private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

  private final HttpServerRequest request;
  private final RequestFacts facts;
  private final String requestId;
  private final String workerRequestId = WorkerRequestIds.next();
  private final long startNanos = System.nanoTime();
  /** The event loop the request arrived on (null outside Vert.x, in unit tests). */
  private final io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
  /** Set by whoever runs the request (the attempt loop): ends it from outside, its workers' requests too. */
  private java.util.function.Consumer<OpenAiError> stopper;
  private final int priority;
  private final ExchangeObserver observer;
  /** Line ends at the end of what was relayed so far; fewer than two means an SSE event is still open. */
  private int trailingNewlines = 2;

  public Exchange(HttpServerRequest request, RequestFacts facts, String requestId) {
    this(request, facts, requestId, 0, ExchangeObserver.NONE);
  }

  /** @param priority the tenant's priority (its API key's {@code priority}; 0 without keys), for admission control */
  public Exchange(HttpServerRequest request, RequestFacts facts, String requestId, int priority, ExchangeObserver observer) {
    this.request = request;
    this.facts = facts;
    this.requestId = requestId;
    this.priority = priority;
    this.observer = observer;
  }

  public HttpServerRequest request() { return request; }
  public HttpServerResponse response() { return request.response(); }
  public RequestFacts facts() { return facts; }
  public Endpoint endpoint() { return facts.endpoint(); }
  public Buffer body() { return facts.body(); }
  /** The client's request id (its {@code x-request-id} when sane): for responses, correlation and logs only. */
  public String requestId() { return requestId; }
  /**
   * The id the gateway uses with workers (x-request-id upstream, gRPC request_id, abort target). Always made by the
   * gateway: a client that knows or reuses another request's id can never name that request to a worker.
   */
  public String workerRequestId() { return workerRequestId; }
  public long startNanos() { return startNanos; }
  /** The request's event loop, where anything that touches the exchange from elsewhere must run; may be null. */
  public io.vertx.core.Context context() { return context; }
  public int priority() { return priority; }
  public ExchangeObserver observer() { return observer; }

  /** Whether the status line has gone to the client, after which only the body can still change. */
  public boolean responseStarted() {
    return response().headWritten();
  }

  /** Whether the client has hung up or the response is complete. */
  public boolean finished() {
    return response().ended() || response().closed();
  }

  /** Writes a chunk of a relayed body, remembering whether it left an SSE event open. */
  public void write(Buffer chunk) {
    trailingNewlines = trailingNewlines(chunk, trailingNewlines);
    observer.body(chunk);
    response().write(chunk);
  }

  static int trailingNewlines(Buffer chunk, int before) {
    int count = 0;
    for (int i = chunk.length() - 1; i >= 0; i--) {
      byte b = chunk.getByte(i);
      if (b == '\n') count++;
      else if (b != '\r') return count;
    }
    return before + count;
  }

  /** Sends a worker's complete answer (an error it gave that is the client's answer after all). */
  public void answer(int status, MultiMap workerHeaders, Buffer body) {
    HttpServerResponse r = response();
    if (r.ended() || r.closed()) return;
    r.setStatusCode(status);
    r.headers().clear(); // nothing of an earlier attempt's head
    Headers.copyEndToEnd(workerHeaders, r.headers());
    r.putHeader(Headers.REQUEST_ID, requestId);
    if ((status == 503 || status == 429) && !r.headers().contains("retry-after")) r.putHeader("retry-after", "1");
    observer.body(body);
    r.end(body);
  }

  /**
   * Answers with an error: a JSON body; or, once a stream has started, an SSE error event and {@code [DONE]} (after
   * closing an event the worker left half-written, so the client's SSE parser reads a valid error); or, once a
   * non-streamed body has started, a reset (a truncated JSON body must not look complete).
   */
  /** Registers how to stop this request from outside (drain): cancel its attempt, then answer with the error. */
  public void onStop(java.util.function.Consumer<OpenAiError> stopper) {
    this.stopper = stopper;
  }

  /**
   * Stops the request from outside (a drain's deadline): its worker's request is cancelled and the client gets
   * {@code error} (JSON, or an SSE error event and {@code [DONE]}); without a runner yet (still queued) just the error.
   */
  public void stop(OpenAiError error) {
    if (stopper != null) stopper.accept(error);
    else fail(error);
  }

  public void fail(OpenAiError error) {
    HttpServerResponse r = response();
    if (r.ended() || r.closed()) return;
    if (r.headWritten()) {
      if (facts.stream()) {
        if (trailingNewlines < 2) r.write(EVENT_END);
        r.write(error.toSseEvent());
        r.end(DONE);
      } else {
        r.reset();
      }
      return;
    }
    if (error.status() == 503 || error.status() == 429) r.putHeader("retry-after", "1");
    r.setStatusCode(error.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(error.toBuffer());
  }
}
