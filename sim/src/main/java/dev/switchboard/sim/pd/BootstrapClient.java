package dev.switchboard.sim.pd;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;

/** The decode worker's side of pairing: asks a prefill's bootstrap endpoint whether it has seen a room. */
public final class BootstrapClient {

  private final HttpClient client;
  private final Duration timeout;

  public BootstrapClient(Vertx vertx, Duration timeout) {
    this.timeout = timeout;
    int connectMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(connectMillis)
        .setTcpNoDelay(true).setKeepAlive(true));
  }

  /** Succeeds once the prefill at host:port has seen {@code room}; fails with a message naming all three. */
  public Future<Void> awaitRoom(String host, int port, long room) {
    String bareHost = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    long waitMillis = timeout.toMillis();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(bareHost).setPort(port)
        .setURI(BootstrapServer.ROOM_PATH + room + "?wait_ms=" + waitMillis)
        .setIdleTimeout(waitMillis + 1_000);
    String pair = "bootstrap_host=" + host + " bootstrap_port=" + port + " bootstrap_room=" + room;
    return client.request(options)
        .compose(request -> request.send())
        .recover(error -> Future.failedFuture(new PairingException(
            "KV transfer failed: cannot reach the prefill bootstrap endpoint (" + pair + "): "
                + error.getMessage())))
        .compose(response -> response.body().compose(body -> response.statusCode() == 200
            ? Future.<Void>succeededFuture()
            : Future.failedFuture(new PairingException("KV transfer failed: the prefill at " + host + ":"
                + port + " has not seen bootstrap_room " + room + " within " + waitMillis
                + " ms (" + pair + ")"))));
  }

  public Future<Void> close() {
    return client.close();
  }

  /** Pairing failed; the message names host, port and room. */
  public static final class PairingException extends RuntimeException {
    public PairingException(String message) {
      super(message, null, false, false);
    }
  }
}
