package dev.switchboard.gateway.router.grpc;

import dev.switchboard.gateway.exchange.OpenAiError;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.protocol.scheduler.GenerateError;
import io.grpc.Status;

/** Worker-side failures in OpenAI's error shape (§7.6): a GenerateError keeps its status, stream failures are 5xx. */
final class GenerateErrors {
  private GenerateErrors() {}

  static OpenAiError of(GenerateError e) {
    int status;
    try {
      status = Integer.parseInt(e.getHttpStatusCode().trim());
    } catch (NumberFormatException ex) {
      status = 500;
    }
    if (status < 400 || status > 599) status = 500;
    String message = e.getMessage().isEmpty() ? "the worker reported an error" : e.getMessage();
    if (!e.getDetails().isEmpty()) message = message + ": " + e.getDetails();
    String type = switch (status) {
      case 400, 404, 422 -> "invalid_request_error";
      case 503 -> "service_unavailable";
      default -> "internal_error";
    };
    return new OpenAiError(status, message, type, null, null);
  }

  static OpenAiError ofFailure(Worker worker, Throwable t) {
    Status s = Status.fromThrowable(t);
    String what = s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription());
    return switch (s.getCode()) {
      case DEADLINE_EXCEEDED -> OpenAiError.gatewayTimeout("worker " + worker.url() + " timed out: " + what);
      case UNAVAILABLE -> OpenAiError.badGateway("worker " + worker.url() + " is unreachable or dropped the stream: " + what);
      default -> OpenAiError.internal("worker " + worker.url() + " failed: " + what);
    };
  }

  /** Whether nothing of the request reached the worker's scheduler, so another worker may be tried. */
  static boolean retryable(Throwable t) {
    return Status.fromThrowable(t).getCode() == Status.Code.UNAVAILABLE;
  }
}
