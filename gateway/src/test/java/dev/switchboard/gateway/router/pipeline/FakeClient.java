package dev.switchboard.gateway.router.pipeline;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.lang.reflect.Proxy;

/**
 * The client side of one request without a socket: records what the gateway answers. Only what the attempt loop and
 * its error paths use is implemented; anything else fails loudly.
 */
final class FakeClient {
  final MultiMap requestHeaders = MultiMap.caseInsensitiveMultiMap();
  final MultiMap responseHeaders = MultiMap.caseInsensitiveMultiMap();
  final Buffer body = Buffer.buffer();
  volatile int status = 200;
  volatile boolean headWritten;
  volatile boolean ended;
  volatile boolean closed;
  volatile boolean reset;
  private Handler<Void> closeHandler;

  final HttpServerResponse response = (HttpServerResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
      new Class<?>[] {HttpServerResponse.class}, (proxy, method, args) -> switch (method.getName()) {
        case "headWritten" -> headWritten;
        case "ended" -> ended;
        case "closed" -> closed;
        case "writeQueueFull" -> false;
        case "headers" -> responseHeaders;
        case "setStatusCode" -> {
          status = (Integer) args[0];
          yield proxy;
        }
        case "putHeader" -> {
          responseHeaders.set(args[0].toString(), args[1].toString());
          yield proxy;
        }
        case "setChunked" -> proxy;
        case "closeHandler" -> {
          closeHandler = (Handler<Void>) args[0];
          yield proxy;
        }
        case "write" -> {
          headWritten = true;
          body.appendBuffer((Buffer) args[0]);
          yield null;
        }
        case "end" -> {
          headWritten = true;
          if (args != null && args.length == 1) body.appendBuffer((Buffer) args[0]);
          ended = true;
          yield null;
        }
        case "reset" -> {
          reset = closed = true;
          yield true;
        }
        case "toString" -> "FakeClient.response";
        default -> throw new UnsupportedOperationException("HttpServerResponse." + method.getName());
      });

  final HttpServerRequest request = (HttpServerRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
      new Class<?>[] {HttpServerRequest.class}, (proxy, method, args) -> switch (method.getName()) {
        case "response" -> response;
        case "headers" -> requestHeaders;
        case "toString" -> "FakeClient.request";
        default -> throw new UnsupportedOperationException("HttpServerRequest." + method.getName());
      });

  /** The client hangs up. */
  void leave() {
    closed = true;
    if (closeHandler != null) closeHandler.handle(null);
  }

  String text() {
    return body.toString();
  }
}
