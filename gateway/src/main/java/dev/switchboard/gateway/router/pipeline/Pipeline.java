package dev.switchboard.gateway.router.pipeline;

import dev.switchboard.gateway.config.Timeouts;
import dev.switchboard.gateway.exchange.Exchange;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.policy.PolicyRegistry;
import dev.switchboard.gateway.router.RetryRule;
import dev.switchboard.gateway.router.RouterId;
import dev.switchboard.gateway.worker.AttemptListener;
import dev.switchboard.gateway.worker.AttemptReport;
import dev.switchboard.gateway.worker.WorkerRegistry;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every router shares to run a request: the attempt loop's rules (retry, deadlines), the target pickers, and
 * the listeners told every attempt's outcome. A router supplies only its picker and its transport.
 */
public final class Pipeline {
  private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

  private final Vertx vertx;
  private final WorkerRegistry registry;
  private final PolicyRegistry policies;
  private final RetryRule retry;
  private final Function<String, Timeouts> timeouts;
  private final GatewayMetrics metrics;
  private final List<AttemptListener> listeners;

  /**
   * @param timeouts the deadlines of a model's requests (per-model settings over the gateway's)
   * @param listeners told every attempt's outcome; the list may grow while the gateway runs
   */
  public Pipeline(Vertx vertx, WorkerRegistry registry, PolicyRegistry policies, RetryRule retry,
      Function<String, Timeouts> timeouts, GatewayMetrics metrics, List<AttemptListener> listeners) {
    this.vertx = vertx;
    this.registry = registry;
    this.policies = policies;
    this.retry = retry;
    this.timeouts = timeouts;
    this.metrics = metrics;
    this.listeners = listeners;
  }

  /** The selection stage for one router kind. */
  public TargetPicker picker(RouterId router) {
    return new TargetPicker(registry, policies, router.connection(), router.isPd());
  }

  /** Runs one request through the attempt loop; from here on the loop owns the exchange. */
  public void run(Exchange exchange, String model, RouterId router, TargetPicker picker, Transport transport) {
    new AttemptLoop(this, exchange, model, router, picker, transport).start();
  }

  public Timeouts timeouts(String model) { return timeouts.apply(model); }
  Vertx vertx() { return vertx; }
  RetryRule retry() { return retry; }
  GatewayMetrics metrics() { return metrics; }

  void report(AttemptReport report) {
    for (AttemptListener l : listeners) {
      try {
        l.attemptEnded(report);
      } catch (RuntimeException e) {
        log.warn("attempt listener {} failed: {}", l, e.toString());
      }
    }
  }
}
