package dev.switchboard.gateway.worker;

/**
 * How one attempt on one worker ended, as the attempt loop saw it. The attempt loop is the only producer; circuit
 * breakers, metrics and the console consume it through {@link AttemptListener}.
 *
 * @param router the router's wire name ({@code http-regular}, ...)
 * @param status the worker's HTTP status, or the status the gateway maps the failure to (502 unreachable or broken,
 *     504 deadline); 0 when the client left before anything was known
 * @param startNanos when the attempt was dispatched ({@link System#nanoTime()})
 * @param firstByteNanos when the first byte of the worker's answer body arrived, or -1 when none did
 * @param endNanos when the attempt ended
 */
public record AttemptReport(Worker worker, String router, Kind kind, Cause cause, int status, long startNanos,
    long firstByteNanos, long endNanos) {

  public enum Kind {
    /** A byte of the answer reached the client and the answer completed. */
    SUCCEEDED,
    /** Failed before any byte reached the client (it may be retried elsewhere). */
    FAILED_BEFORE_BYTES,
    /** Failed after bytes reached the client (the client got an error event or a reset). */
    FAILED_AFTER_BYTES,
    /** The client left, or the gateway stopped the attempt (another attempt won, drain): says nothing of the worker. */
    CANCELLED
  }

  public enum Cause {
    NONE,
    /** The worker answered with an error status (see {@link #status}). */
    STATUS,
    /** Could not connect, or the connection was refused or reset before an answer. */
    UNREACHABLE,
    /** A deadline expired (connect, first byte, idle, total). */
    TIMEOUT,
    /** The answer broke off midway. */
    BROKEN,
    /** The worker answered something the gateway cannot use. */
    PROTOCOL
  }

  /** Whether this outcome says the worker is unwell: transport errors, deadlines, 5xx. Never 4xx (429 is "busy"). */
  public boolean workerFault() {
    return switch (cause) {
      case UNREACHABLE, TIMEOUT, BROKEN, PROTOCOL -> true;
      case STATUS -> status >= 500;
      case NONE -> false;
    };
  }
}
