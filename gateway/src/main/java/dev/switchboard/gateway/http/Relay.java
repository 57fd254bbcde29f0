package dev.switchboard.gateway.http;

import dev.switchboard.gateway.exchange.Exchange;
import dev.switchboard.gateway.exchange.Headers;
import dev.switchboard.gateway.metrics.BodyTap;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/** Relays a worker's response to the client as it arrives: status, end-to-end headers, then the body chunk by chunk. */
public final class Relay {
  private Relay() {}

  /**
   * Starts relaying; the future completes when the body has been passed on in full, and fails if the worker's
   * stream broke or the client went away. Back-pressure is the pipe's: a slow client pauses the worker's stream.
   * On failure the client response is left open so the caller can end it properly (SSE error event or reset).
   */
  public static Future<Void> toClient(HttpClientResponse upstream, Exchange exchange) {
    HttpServerResponse out = exchange.response();
    out.setStatusCode(upstream.statusCode());
    String message = upstream.statusMessage();
    if (message != null && !message.isEmpty()) out.setStatusMessage(message);
    Headers.copyEndToEnd(upstream.headers(), out.headers());
    out.putHeader(Headers.REQUEST_ID, exchange.requestId());
    String length = upstream.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null) out.putHeader(HttpHeaders.CONTENT_LENGTH, length);
    else out.setChunked(true);
    return BodyTap.of(upstream, exchange.observer()).pipe().endOnFailure(false).to(out);
  }
}
