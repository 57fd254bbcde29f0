package dev.switchboard.gateway.router.grpc;

import dev.switchboard.gateway.exchange.OpenAiError;
import dev.switchboard.gateway.router.pipeline.Failure;
import dev.switchboard.gateway.worker.AttemptReport.Cause;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.protocol.scheduler.GenerateError;
import io.grpc.Status;

/**
 * Worker-side gRPC failures as {@link Failure}s: the one table from gRPC status codes to HTTP statuses, so the
 * attempt loop's single retry rule applies to gRPC workers as to HTTP ones. A GenerateError keeps its status.
 */
final class GenerateErrors {
  private GenerateErrors() {}

  /** An error the worker reported inside the stream. */
  static Failure of(Worker worker, GenerateError e, String role) {
    int status;
    try {
      status = Integer.parseInt(e.getHttpStatusCode().trim());
    } catch (NumberFormatException ex) {
      status = 500;
    }
    if (status < 400 || status > 599) status = 500;
    String message = e.getMessage().isEmpty() ? "the worker reported an error" : e.getMessage();
    if (!e.getDetails().isEmpty()) message = message + ": " + e.getDetails();
    return Failure.of(worker, Cause.STATUS, new OpenAiError(status, role + message, type(status), null, null));
  }

  /** A failed call: its status code mapped to an HTTP status. */
  static Failure ofFailure(Worker worker, Throwable t, String role) {
    Status s = Status.fromThrowable(t);
    String what = s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription());
    String who = role + "worker " + worker.url();
    return switch (s.getCode()) {
      case DEADLINE_EXCEEDED -> Failure.of(worker, Cause.TIMEOUT, OpenAiError.gatewayTimeout(who + " timed out: " + what));
      case UNAVAILABLE -> Failure.of(worker, Cause.UNREACHABLE, OpenAiError.badGateway(who + " is unreachable or dropped the stream: " + what));
      case CANCELLED -> Failure.of(worker, Cause.BROKEN, OpenAiError.badGateway(who + " cancelled the stream: " + what));
      default -> {
        int status = httpStatus(s.getCode());
        yield Failure.of(worker, Cause.STATUS, new OpenAiError(status, who + " failed: " + what, type(status), null, null));
      }
    };
  }

  /** The usual mapping of gRPC codes to HTTP statuses (as grpc-gateway and Envoy use it). */
  static int httpStatus(Status.Code code) {
    return switch (code) {
      case OK -> 200;
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
      case UNAUTHENTICATED -> 401;
      case PERMISSION_DENIED -> 403;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS, ABORTED -> 409;
      case RESOURCE_EXHAUSTED -> 429;
      case CANCELLED -> 499;
      case UNIMPLEMENTED -> 501;
      case UNAVAILABLE -> 503;
      case DEADLINE_EXCEEDED -> 504;
      case UNKNOWN, INTERNAL, DATA_LOSS -> 500;
    };
  }

  private static String type(int status) {
    return switch (status) {
      case 400, 404, 422 -> "invalid_request_error";
      case 429 -> "rate_limit_error";
      case 503 -> "service_unavailable";
      default -> "internal_error";
    };
  }
}
