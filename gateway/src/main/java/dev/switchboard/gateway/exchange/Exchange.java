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
  private final long startNanos = System.nanoTime();
  private final int priority;
  private final ExchangeObserver observer;

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
  public String requestId() { return requestId; }
  public long startNanos() { return startNanos; }
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
    r.setStatusCode(error.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(error.toBuffer());
  }
}
