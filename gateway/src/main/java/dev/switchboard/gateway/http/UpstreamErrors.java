package dev.switchboard.gateway.http;

import dev.switchboard.gateway.exchange.OpenAiError;
import dev.switchboard.gateway.worker.Worker;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.http.HttpClosedException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/** Turns a failure talking to a worker into the error the client sees. */
public final class UpstreamErrors {
  private UpstreamErrors() {}

  public static OpenAiError errorFor(Worker worker, Throwable err) {
    if (err instanceof TimeoutException || err instanceof ConnectTimeoutException
        || err.getClass().getSimpleName().contains("Timeout")) {
      return OpenAiError.gatewayTimeout("worker " + worker.url() + " did not answer in time");
    }
    if (err instanceof ConnectException) {
      return OpenAiError.badGateway("worker " + worker.url() + " is unreachable: " + err.getMessage());
    }
    if (err instanceof HttpClosedException) {
      return OpenAiError.badGateway("worker " + worker.url() + " closed the connection before answering");
    }
    return OpenAiError.badGateway("worker " + worker.url() + " failed: " + err.getMessage());
  }
}
