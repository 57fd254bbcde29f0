package dev.switchboard.gateway.router.pipeline;

import dev.switchboard.gateway.config.Timeouts;
import dev.switchboard.gateway.exchange.Exchange;
import dev.switchboard.gateway.exchange.OpenAiError;
import dev.switchboard.gateway.router.RetryRule;
import dev.switchboard.gateway.router.RouterId;
import dev.switchboard.gateway.router.pipeline.TargetPicker.Found;
import dev.switchboard.gateway.router.pipeline.TargetPicker.NoneAvailable;
import dev.switchboard.gateway.worker.AttemptReport;
import dev.switchboard.gateway.worker.AttemptReport.Cause;
import dev.switchboard.gateway.worker.AttemptReport.Kind;
import dev.switchboard.gateway.worker.Worker;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The attempts of one request, for every router: pick a target (avoiding workers that failed it), dispatch it
 * through the router's transport, and on a failure before any byte reached the client try again while the
 * {@link dev.switchboard.gateway.router.RetryRule} allows and another target exists; when it gives up the client
 * gets the last real error. The single place where every attempt's outcome is known and reported per worker.
 * Runs on the request's event loop.
 */
final class AttemptLoop {
  static final Logger log = LoggerFactory.getLogger(AttemptLoop.class);

  private final Pipeline pipeline;
  private final Exchange exchange;
  private final String model;
  private final RouterId router;
  private final TargetPicker picker;
  private final Transport transport;
  private final Timeouts timeouts;
  private final Set<Worker> failed = new HashSet<>(4);
  private Attempt current;
  private Failure last;
  private int attempts;
  private long backoffTimer = -1;
  private long totalTimer = -1;
  private boolean totalExpired;
  private boolean done;

  AttemptLoop(Pipeline pipeline, Exchange exchange, String model, RouterId router, TargetPicker picker, Transport transport) {
    this.pipeline = pipeline;
    this.exchange = exchange;
    this.model = model;
    this.router = router;
    this.picker = picker;
    this.transport = transport;
    this.timeouts = pipeline.timeouts(model);
  }

  Exchange exchange() { return exchange; }

  void start() {
    exchange.response().closeHandler(v -> clientLeft());
    exchange.onStop(this::stopped);
    pipeline.budget(model).requestStarted();
    long total = timeouts.total().toMillis();
    if (total > 0) totalTimer = pipeline.vertx().setTimer(total, t -> totalDeadline());
    next();
  }

  private void next() {
    backoffTimer = -1;
    if (done) return;
    if (exchange.finished()) {
      finish();
      return;
    }
    switch (picker.pick(model, exchange.facts(), failed)) {
      case NoneAvailable none -> giveUp(last, none.error());
      case Found found -> {
        attempts++;
        current = new Attempt(this, pipeline.vertx(), found.target(), attempts, timeouts);
        try {
          transport.dispatch(current);
        } catch (RuntimeException e) {
          log.warn("dispatching {} to {} failed", exchange.requestId(), found.target(), e);
          current.stop(Failure.of(found.target().answering(), Cause.NONE,
              OpenAiError.internal("the gateway failed to send the request: " + e)));
        }
      }
    }
  }

  /** An attempt reported its outcome (through {@link Attempt#end}). */
  void ended(Attempt attempt, Outcome outcome) {
    report(attempt, outcome);
    if (attempt != current || done) return;
    switch (outcome) {
      case Outcome.Completed c -> finish();
      case Outcome.FailedAfterBytes f -> {
        exchange.fail(f.failure().error());
        finish();
      }
      case Outcome.FailedBeforeBytes f -> failedBeforeBytes(f.failure());
    }
  }

  private void failedBeforeBytes(Failure failure) {
    failed.add(failure.culprit());
    last = failure;
    if (exchange.finished()) {
      finish();
      return;
    }
    RetryRule retry = pipeline.retry(model);
    if (totalExpired || !retry.retryable(failure) || !retry.attemptsLeft(attempts)
        || !picker.hasCandidate(model, exchange.facts(), failed)) {
      giveUp(failure, null);
      return;
    }
    // The worker's Retry-After is honoured up to max_backoff_ms; a longer one goes to the client with the answer.
    long wait = retry.backoffMillis(attempts, failure.retryAfterMillis());
    if (wait < 0 || !pipeline.budget(model).tryRetry()) {
      giveUp(failure, null); // past the retry budget: a failing fleet gets no multiple of its load
      return;
    }
    log.debug("attempt {} of {} on {} failed ({}); trying another target in {} ms", attempts, exchange.requestId(),
        failure.culprit().url(), failure.error().message(), wait);
    pipeline.metrics().retried(router.wireName());
    backoffTimer = pipeline.vertx().setTimer(wait, t -> next());
  }

  /** Ends the request with the last real failure, or {@code otherwise} when no attempt was made. */
  private void giveUp(Failure failure, OpenAiError otherwise) {
    if (failure != null) failure.answer(exchange);
    else exchange.fail(otherwise);
    finish();
  }

  /** The attempt was cancelled because the client left. */
  void cancelled(Attempt attempt) {
    report(attempt, null);
  }

  /** Stopped from outside (drain): the attempt is cancelled — no verdict on its worker — and the client told why. */
  private void stopped(OpenAiError error) {
    if (done) return;
    if (current != null && !current.ended()) current.cancel();
    exchange.fail(error);
    finish();
  }

  private void clientLeft() {
    // A connection that closes once the response has ended (no keep-alive) is not a client leaving: the transport
    // ends the attempt itself right after.
    if (done || exchange.response().ended()) return;
    if (current != null && !current.ended()) current.cancel();
    finish();
  }

  private void totalDeadline() {
    totalTimer = -1;
    totalExpired = true;
    if (done) return;
    OpenAiError error = OpenAiError.gatewayTimeout("request " + exchange.requestId() + " did not complete within the "
        + timeouts.total().toSeconds() + " s total deadline (" + attempts + " attempts)");
    if (current != null && !current.ended()) {
      current.stop(Failure.of(current.target().answering(), Cause.TIMEOUT, error));
    } else {
      giveUp(null, error); // backing off between attempts
    }
  }

  private void finish() {
    done = true;
    if (backoffTimer >= 0) pipeline.vertx().cancelTimer(backoffTimer);
    if (totalTimer >= 0) pipeline.vertx().cancelTimer(totalTimer);
    backoffTimer = totalTimer = -1;
  }

  /** One report per worker of the attempt; {@code outcome == null} means the client left. */
  private void report(Attempt attempt, Outcome outcome) {
    long now = System.nanoTime();
    for (Worker w : attempt.target().workers()) {
      AttemptReport r = switch (outcome) {
        case null -> new AttemptReport(w, router.wireName(), Kind.CANCELLED, Cause.NONE, 0, attempt.startNanos(), attempt.firstByteNanos(), now);
        case Outcome.Completed c -> new AttemptReport(w, router.wireName(), Kind.SUCCEEDED,
            c.status() >= 400 ? Cause.STATUS : Cause.NONE, c.status(), attempt.startNanos(), attempt.firstByteNanos(), now);
        case Outcome.FailedBeforeBytes f -> failureReport(w, f.failure(), Kind.FAILED_BEFORE_BYTES, attempt, now);
        case Outcome.FailedAfterBytes f -> failureReport(w, f.failure(), Kind.FAILED_AFTER_BYTES, attempt, now);
      };
      pipeline.report(r);
    }
  }

  /** The culprit carries the failure; the other half of a pair was only stopped because of it. */
  private AttemptReport failureReport(Worker w, Failure f, Kind kind, Attempt attempt, long now) {
    if (w != f.culprit()) return new AttemptReport(w, router.wireName(), Kind.CANCELLED, Cause.NONE, 0, attempt.startNanos(), attempt.firstByteNanos(), now);
    return new AttemptReport(w, router.wireName(), kind, f.cause(), f.status(), attempt.startNanos(), attempt.firstByteNanos(), now);
  }
}
