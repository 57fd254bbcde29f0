package dev.switchboard.gateway.exchange;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * One client request on its way through the gateway: the client connection, the body read once, the facts
 * routing needs, and the request id every response carries.
 */
public final class Exchange {
  private final HttpServerRequest request;
  private final RequestFacts facts;
  private final String requestId;
  private final String workerRequestId = WorkerRequestIds.next();
  private final long startNanos = System.nanoTime();

  public Exchange(HttpServerRequest request, RequestFacts facts, String requestId) {
    this.request = request;
    this.facts = facts;
    this.requestId = requestId;
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

  /** Whether the status line has gone to the client, after which only the body can still change. */
  public boolean responseStarted() {
    return response().headWritten();
  }

  /** Whether the client has hung up or the response is complete. */
  public boolean finished() {
    return response().ended() || response().closed();
  }

  /**
   * Answers with an error: a JSON body; or, once a stream has started, an SSE error event and {@code [DONE]};
   * or, once a non-streamed body has started, a reset (a truncated JSON body must not look complete).
   */
  public void fail(OpenAiError error) {
    HttpServerResponse r = response();
    if (r.ended() || r.closed()) return;
    if (r.headWritten()) {
      if (facts.stream()) {
        r.write(error.toSseEvent());
        r.end(Buffer.buffer("data: [DONE]\n\n"));
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
