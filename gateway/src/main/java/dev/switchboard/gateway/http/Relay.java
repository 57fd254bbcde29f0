package dev.switchboard.gateway.http;

import dev.switchboard.gateway.exchange.Exchange;
import dev.switchboard.gateway.exchange.Headers;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/** Relays a worker's response to the client as it arrives: status, end-to-end headers, then the body chunk by chunk. */
public final class Relay {
  private Relay() {}

  /**
   * Starts relaying; the future completes when the body has been passed on in full, and fails if the worker's
   * stream broke. A slow client pauses the worker's stream until its socket drains. On failure the client response
   * is left open so the caller can end it properly (SSE error event or reset).
   *
   * @param onChunk told of every chunk before it is written (deadlines, metrics)
   */
  public static Future<Void> toClient(HttpClientResponse upstream, Exchange exchange, Handler<Buffer> onChunk) {
    HttpServerResponse out = head(upstream, exchange);
    String length = upstream.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null) out.putHeader(HttpHeaders.CONTENT_LENGTH, length);
    else out.setChunked(true);
    Promise<Void> done = Promise.promise();
    upstream.handler(chunk -> {
      // Chunks already in flight when the exchange was ended from outside (deadline, drain, client gone): dropped.
      if (out.ended() || out.closed()) return;
      onChunk.handle(chunk);
      exchange.write(chunk);
      if (out.writeQueueFull()) {
        upstream.pause();
        out.drainHandler(v -> upstream.resume());
      }
    });
    upstream.exceptionHandler(done::tryFail);
    upstream.endHandler(v -> {
      if (!out.ended() && !out.closed()) out.end();
      done.tryComplete();
    });
    upstream.resume();
    return done.future();
  }

  /** Status line and end-to-end headers of {@code upstream} on the client's response (not yet written). */
  public static HttpServerResponse head(HttpClientResponse upstream, Exchange exchange) {
    HttpServerResponse out = exchange.response();
    // An earlier attempt may have set its worker's headers before failing: they must not leak into this answer.
    out.headers().clear();
    out.setStatusCode(upstream.statusCode());
    String message = upstream.statusMessage();
    if (message != null && !message.isEmpty()) out.setStatusMessage(message);
    Headers.copyEndToEnd(upstream.headers(), out.headers());
    out.putHeader(Headers.REQUEST_ID, exchange.requestId());
    return out;
  }
}
