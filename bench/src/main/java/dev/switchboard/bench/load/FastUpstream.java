package dev.switchboard.bench.load;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.TimeUnit;

/**
 * An upstream that costs almost nothing: fixed bodies, no parsing beyond looking for {@code "stream":true}. Used to
 * measure the gateway's own overhead, so the upstream must never be the bottleneck.
 */
public final class FastUpstream implements AutoCloseable {
  public static final String JSON_BODY = """
      {"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"bench-model",\
      "choices":[{"index":0,"message":{"role":"assistant","content":"The quick brown fox jumps over the lazy dog."},\
      "finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":10,"total_tokens":22}}""";
  /** Ten {@code chat.completion.chunk} events and {@code [DONE]}. */
  public static final String SSE_BODY;
  static final Buffer JSON = Buffer.buffer(JSON_BODY);
  static final Buffer SSE;

  static {
    StringBuilder b = new StringBuilder();
    String[] words = "The quick brown fox jumps over the lazy dog today".split(" ");
    for (String w : words) {
      b.append("data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"model\":\"bench-model\","
          + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + w + " \"},\"finish_reason\":null}]}\n\n");
    }
    SSE_BODY = b.append("data: [DONE]\n\n").toString();
    SSE = Buffer.buffer(SSE_BODY);
  }

  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true));
  private final HttpServer server;

  public FastUpstream() {
    server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setTcpNoDelay(true))
        .requestHandler(req -> {
          if (req.path().equals("/health")) {
            req.response().end("OK");
            return;
          }
          req.body().onSuccess(body -> {
            boolean stream = body.toString().contains("\"stream\":true");
            if (stream) {
              req.response().putHeader("content-type", "text/event-stream").setChunked(true);
              req.response().end(SSE);
            } else {
              req.response().putHeader("content-type", "application/json").end(JSON);
            }
          });
        });
    try {
      server.listen().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("fast upstream did not start", e);
    }
  }

  public int port() {
    return server.actualPort();
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
