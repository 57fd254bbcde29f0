package dev.switchboard.gateway.router.pipeline;

import dev.switchboard.gateway.config.Timeouts;
import dev.switchboard.gateway.exchange.Exchange;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.policy.PolicyRegistry;
import dev.switchboard.gateway.config.RetrySettings;
import dev.switchboard.gateway.router.RetryBudget;
import dev.switchboard.gateway.router.RetryRule;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
  private final Function<String, RetrySettings> retrySettings;
  /** Per model: its retry rule and its retry budget (models are few; both are built on first use). */
  private final Map<String, RetryRule> rules = new ConcurrentHashMap<>();
  private final Map<String, RetryBudget> budgets = new ConcurrentHashMap<>();
  private final Function<String, Timeouts> timeouts;
  private final GatewayMetrics metrics;
  private final List<AttemptListener> listeners;

  /**
   * @param timeouts the deadlines of a model's requests (per-model settings over the gateway's)
   * @param listeners told every attempt's outcome; the list may grow while the gateway runs
   */
  public Pipeline(Vertx vertx, WorkerRegistry registry, PolicyRegistry policies, Function<String, RetrySettings> retry,
      Function<String, Timeouts> timeouts, GatewayMetrics metrics, List<AttemptListener> listeners) {
    this.vertx = vertx;
    this.registry = registry;
    this.policies = policies;
    this.retrySettings = retry;
    this.timeouts = timeouts;
    this.metrics = metrics;
    this.listeners = listeners;
  }

  /** One retry rule for every model, with the default retry budget. */
  public Pipeline(Vertx vertx, WorkerRegistry registry, PolicyRegistry policies, RetryRule retry,
      Function<String, Timeouts> timeouts, GatewayMetrics metrics, List<AttemptListener> listeners) {
    this(vertx, registry, policies, m -> new RetrySettings(retry.maxAttempts(), Duration.ofMillis(retry.initialBackoffMillis()),
        Duration.ofMillis(retry.maxBackoffMillis()), RetrySettings.DEFAULTS.budgetRatio()), timeouts, metrics, listeners);
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
  /** The retry rule of a model's requests ({@code models.M.retry} over {@code gateway.retry}). */
  RetryRule retry(String model) {
    return rules.computeIfAbsent(key(model), m -> RetryRule.of(retrySettings.apply(model)));
  }

  /** The retry budget of a model's requests: shared by all its requests, whatever router serves them. */
  RetryBudget budget(String model) {
    return budgets.computeIfAbsent(key(model), m -> new RetryBudget(retrySettings.apply(model).budgetRatio()));
  }

  private static String key(String model) { return model == null ? "" : model; }
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
