package dev.switchboard.gateway.router.pipeline;

import dev.switchboard.gateway.config.Timeouts;
import dev.switchboard.gateway.exchange.Exchange;
import dev.switchboard.gateway.exchange.OpenAiError;
import dev.switchboard.gateway.exchange.RequestFacts;
import dev.switchboard.gateway.worker.AttemptReport.Cause;
import dev.switchboard.gateway.worker.Worker;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One attempt of one request on one target, as its transport sees it: the target, the leases on its workers' load
 * counters (released exactly once, when the attempt ends), and the first-byte and idle deadlines. Used on the
 * request's event loop only.
 */
public final class Attempt {
  private final AttemptLoop loop;
  private final Vertx vertx;
  private final Target target;
  private final int number;
  private final Timeouts timeouts;
  private final List<Worker.Lease> leases;
  private final List<Runnable> cancelHandlers = new ArrayList<>(2);
  private final long startNanos = System.nanoTime();
  private long firstByteNanos = -1;
  private long lastActivityNanos;
  private long firstByteTimer = -1;
  private long idleTimer = -1;
  private boolean ended;

  Attempt(AttemptLoop loop, Vertx vertx, Target target, int number, Timeouts timeouts) {
    this.loop = loop;
    this.vertx = vertx;
    this.target = target;
    this.number = number;
    this.timeouts = timeouts;
    List<Worker> workers = target.workers();
    this.leases = new ArrayList<>(workers.size());
    for (Worker w : workers) {
      leases.add(w.lease());
      loop.exchange().observer().attempt(w);
    }
    if (timeouts.firstByte().toMillis() > 0) {
      firstByteTimer = vertx.setTimer(timeouts.firstByte().toMillis(), t -> {
        firstByteTimer = -1;
        if (firstByteNanos < 0) expire("did not answer in time (nothing within " + seconds(timeouts.firstByte().toMillis()) + ")");
      });
    }
  }

  public Exchange exchange() { return loop.exchange(); }
  public RequestFacts facts() { return loop.exchange().facts(); }
  public Target target() { return target; }
  /** 1 for the first attempt of the request. */
  public int number() { return number; }
  public Timeouts timeouts() { return timeouts; }
  public long startNanos() { return startNanos; }
  public long firstByteNanos() { return firstByteNanos; }
  public boolean ended() { return ended; }

  /** Runs when the attempt is stopped from outside (client gone, deadline): the transport stops its upstream work. */
  public void onCancel(Runnable handler) {
    if (ended) handler.run();
    else cancelHandlers.add(handler);
  }

  /** The first byte of the worker's answer body arrived: the first-byte deadline is met; the idle one starts. */
  public void firstByte() {
    if (firstByteNanos >= 0 || ended) return;
    firstByteNanos = lastActivityNanos = System.nanoTime();
    if (firstByteTimer >= 0) {
      vertx.cancelTimer(firstByteTimer);
      firstByteTimer = -1;
    }
    long idle = timeouts.idle().toMillis();
    if (idle > 0) armIdle(idle);
  }

  /** A later chunk of the answer arrived. */
  public void activity() {
    lastActivityNanos = System.nanoTime();
  }

  /** Whether the client may already have bytes of this attempt's answer (so it can no longer be retried). */
  public boolean committed() {
    return firstByteNanos >= 0 || loop.exchange().responseStarted();
  }

  /** Reports the outcome; the first call wins, later ones are ignored. */
  public void end(Outcome outcome) {
    if (ended) return;
    ended = true;
    cancelTimers();
    for (Worker.Lease lease : leases) lease.release();
    loop.ended(this, outcome);
  }

  /** Fails the attempt from outside (deadline, total deadline, drain) and stops its upstream work. */
  void stop(Failure failure) {
    if (ended) return;
    Outcome outcome = committed() ? new Outcome.FailedAfterBytes(failure) : new Outcome.FailedBeforeBytes(failure);
    // The outcome first: stopping the upstream work makes its transport report a failure of its own (a reset
    // stream reads as "broken"), which must not win over the deadline that caused it.
    end(outcome);
    runCancelHandlers();
  }

  /** The client left: stop upstream work; the attempt ends without saying anything about the worker. */
  void cancel() {
    if (ended) return;
    ended = true;
    cancelTimers();
    runCancelHandlers();
    for (Worker.Lease lease : leases) lease.release();
    loop.cancelled(this);
  }

  private void runCancelHandlers() {
    for (Runnable r : cancelHandlers) {
      try {
        r.run();
      } catch (RuntimeException e) {
        AttemptLoop.log.warn("cancelling attempt {} of {} failed: {}", number, loop.exchange().requestId(), e.toString());
      }
    }
    cancelHandlers.clear();
  }

  private void armIdle(long idleMillis) {
    idleTimer = vertx.setTimer(idleMillis, t -> {
      idleTimer = -1;
      if (ended) return;
      long silentMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastActivityNanos);
      if (silentMillis >= idleMillis) expire("stalled: silent for " + seconds(silentMillis) + " inside its answer");
      else armIdle(idleMillis - silentMillis);
    });
  }

  private void expire(String what) {
    Worker w = target.answering();
    stop(Failure.of(w, Cause.TIMEOUT, OpenAiError.gatewayTimeout("worker " + w.url() + " " + what)));
  }

  private void cancelTimers() {
    if (firstByteTimer >= 0) vertx.cancelTimer(firstByteTimer);
    if (idleTimer >= 0) vertx.cancelTimer(idleTimer);
    firstByteTimer = idleTimer = -1;
  }

  private static String seconds(long millis) {
    return millis % 1000 == 0 ? (millis / 1000) + " s" : String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
  }
}
