package dev.switchboard.gateway.router.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.config.Timeouts;
import dev.switchboard.gateway.exchange.Endpoint;
import dev.switchboard.gateway.exchange.Exchange;
import dev.switchboard.gateway.exchange.OpenAiError;
import dev.switchboard.gateway.exchange.RequestFacts;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.policy.PolicyRegistry;
import dev.switchboard.gateway.policy.PolicySpec;
import dev.switchboard.gateway.router.RetryRule;
import dev.switchboard.gateway.router.RouterId;
import dev.switchboard.gateway.worker.AttemptReport;
import dev.switchboard.gateway.worker.AttemptReport.Cause;
import dev.switchboard.gateway.worker.AttemptReport.Kind;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.WorkerRegistry;
import dev.switchboard.gateway.worker.WorkerSpec;
import dev.switchboard.gateway.worker.WorkerType;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The attempt loop without sockets: a scripted transport reports outcomes, a fake client records the answer. Each
 * row of the table — outcome(s) → retried or not → what the client gets — runs for all four routers, since they
 * share the loop.
 */
class AttemptLoopTest {
  private static final String MODEL = "m";
  private static Vertx vertx;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    vertx.close();
  }

  /** One request through the loop with {@code steps} as the transport's behaviour per attempt (last repeats). */
  private static final class Run {
    final WorkerRegistry registry = new WorkerRegistry();
    final List<AttemptReport> reports = new CopyOnWriteArrayList<>();
    final List<Target> targets = new CopyOnWriteArrayList<>();
    final FakeClient client = new FakeClient();
    final Pipeline pipeline;
    final RouterId router;

    Run(RouterId router, int workersPerPool, Timeouts timeouts) {
      this.router = router;
      for (int i = 0; i < workersPerPool; i++) {
        for (WorkerType type : router.isPd() ? List.of(WorkerType.PREFILL, WorkerType.DECODE) : List.of(WorkerType.REGULAR)) {
          String scheme = router.connection() == ConnectionMode.GRPC ? "grpc" : "http";
          Worker w = registry.add(WorkerSpec.of(scheme + "://" + type.wireName() + i + ":8000", MODEL, type, router.connection()));
          registry.setHealthy(w, true);
        }
      }
      PolicyRegistry policies = new PolicyRegistry(pool -> PolicySpec.ROUND_ROBIN);
      registry.addListener(policies);
      pipeline = new Pipeline(vertx, registry, policies, new RetryRule(3, 0), m -> timeouts,
          new GatewayMetrics(registry), List.of(reports::add));
    }

    Run(RouterId router) {
      this(router, 3, Timeouts.DEFAULTS);
    }

    Run go(boolean stream, List<Consumer<Attempt>> steps) {
      String body = "{\"model\":\"m\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
      RequestFacts facts = RequestFacts.scan(Endpoint.CHAT, Buffer.buffer(body), client.requestHeaders);
      Exchange exchange = new Exchange(client.request, facts, "req-1");
      Transport transport = attempt -> {
        targets.add(attempt.target());
        steps.get(Math.min(attempt.number(), steps.size()) - 1).accept(attempt);
      };
      vertx.runOnContext(v -> pipeline.run(exchange, MODEL, router, pipeline.picker(router), transport));
      await().atMost(Duration.ofSeconds(10)).until(() -> client.ended || client.reset);
      return this;
    }

    JsonError error() {
      return JsonError.of(client.text());
    }
  }

  /** The {@code error} object of an OpenAI-style error body (JSON or one SSE event). */
  record JsonError(String message, String raw) {
    static JsonError of(String text) {
      int start = text.indexOf('{');
      String json = start < 0 ? "" : text.substring(start, text.indexOf("\n", start) < 0 ? text.length() : text.indexOf("\n", start));
      try {
        String message = RequestFacts.JSON.readTree(json).path("error").path("message").asText(null);
        return new JsonError(message, text);
      } catch (java.io.IOException e) {
        return new JsonError(null, text);
      }
    }
  }

  // ---- transport behaviours ----

  static Consumer<Attempt> ok() {
    return a -> {
      a.firstByte();
      a.exchange().response().setStatusCode(200).end(Buffer.buffer("{\"ok\":true}"));
      a.end(new Outcome.Completed(200));
    };
  }

  /** The worker answered {@code status} with its own body, before anything reached the client. */
  static Consumer<Attempt> refuses(int status) {
    return a -> {
      Worker w = a.target().answering();
      Failure f = new Failure(w, Cause.STATUS, status, new OpenAiError(status, "worker answered " + status, "upstream_error", null, null),
          new Failure.WorkerAnswer(status, MultiMap.caseInsensitiveMultiMap(), Buffer.buffer("{\"said\":\"" + w.url() + " " + status + "\"}")), -1);
      a.end(new Outcome.FailedBeforeBytes(f));
    };
  }

  static Consumer<Attempt> unreachable() {
    return a -> a.end(new Outcome.FailedBeforeBytes(Failure.of(a.target().answering(), Cause.UNREACHABLE,
        OpenAiError.badGateway("attempt " + a.number() + ": unreachable"))));
  }

  /** Half an SSE event reached the client, then the worker died. */
  static Consumer<Attempt> diesMidEvent() {
    return a -> {
      a.firstByte();
      a.exchange().write(Buffer.buffer("data: {\"partial\""));
      a.end(new Outcome.FailedAfterBytes(Failure.of(a.target().answering(), Cause.BROKEN, OpenAiError.badGateway("worker died"))));
    };
  }

  static Consumer<Attempt> throwsInDispatch() {
    return a -> {
      throw new IllegalStateException("bug");
    };
  }

  static Consumer<Attempt> silent(List<Attempt> cancelled) {
    return a -> a.onCancel(() -> cancelled.add(a));
  }

  // ---- the table ----

  record Row(String name, boolean stream, List<Consumer<Attempt>> steps, int attempts, int status, String clientSees) {
    @Override public String toString() { return name; }
  }

  static Stream<Arguments> table() {
    List<Row> rows = List.of(
        new Row("success at once", false, List.of(ok()), 1, 200, "\"ok\":true"),
        new Row("503 then success: retried elsewhere", false, List.of(refuses(503), ok()), 2, 200, "\"ok\":true"),
        new Row("429 then success: retried elsewhere", false, List.of(refuses(429), ok()), 2, 200, "\"ok\":true"),
        new Row("unreachable twice then success", false, List.of(unreachable(), unreachable(), ok()), 3, 200, "\"ok\":true"),
        new Row("unreachable every time: the last real error after max attempts", false, List.of(unreachable()), 3, 502, "attempt 3: unreachable"),
        new Row("400: never retried, the worker's own answer", false, List.of(refuses(400)), 1, 400, " 400\""),
        new Row("503 every time: the last worker's own answer", false, List.of(refuses(503)), 3, 503, " 503\""),
        new Row("failure after bytes: SSE error and [DONE], not retried", true, List.of(diesMidEvent()), 1, 200, "worker died"),
        new Row("gateway bug in dispatch: 500, not retried", false, List.of(throwsInDispatch()), 1, 500, "failed to send the request"));
    List<Arguments> out = new ArrayList<>();
    for (RouterId id : RouterId.values()) for (Row row : rows) out.add(Arguments.of(id, row));
    return out.stream();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("table")
  void outcomeTable(RouterId router, Row row) {
    Run run = new Run(router).go(row.stream(), row.steps());
    assertThat(run.targets).as("attempts").hasSize(row.attempts());
    assertThat(run.client.status).isEqualTo(row.status());
    assertThat(run.client.text()).contains(row.clientSees());
    // each retry went to a target that had not failed the request
    List<Worker> answering = run.targets.stream().map(Target::answering).toList();
    assertThat(answering).doesNotHaveDuplicates();
    // one report per worker per attempt
    int perAttempt = router.isPd() ? 2 : 1;
    await().atMost(Duration.ofSeconds(5)).until(() -> run.reports.size() == row.attempts() * perAttempt);
    // every lease was released
    assertThat(run.registry.snapshot().all()).allSatisfy(w -> assertThat(w.inFlight()).isZero());
  }

  @ParameterizedTest
  @EnumSource(RouterId.class)
  void aFailureHalfwayThroughAnEventClosesTheEventBeforeTheErrorEvent(RouterId router) {
    Run run = new Run(router).go(true, List.of(diesMidEvent()));
    String text = run.client.text();
    assertThat(text).startsWith("data: {\"partial\"\n\ndata: {\"error\"").endsWith("data: [DONE]\n\n");
    assertThat(run.reports).filteredOn(r -> r.kind() == Kind.FAILED_AFTER_BYTES).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(RouterId.class)
  void aSingleCandidateIsNotRetriedAndTheClientGetsItsRealError(RouterId router) {
    Run run = new Run(router, 1, Timeouts.DEFAULTS).go(false, List.of(refuses(503)));
    assertThat(run.targets).hasSize(1);
    assertThat(run.client.status).isEqualTo(503);
    assertThat(run.client.text()).contains(run.targets.getFirst().answering().url() + " 503");
  }

  @ParameterizedTest
  @EnumSource(RouterId.class)
  void noHealthyWorkerAnswers503WithTheReasonAndNoAttempt(RouterId router) {
    Run run = new Run(router);
    run.registry.snapshot().all().forEach(w -> run.registry.setHealthy(w, false));
    run.go(false, List.of(ok()));
    assertThat(run.targets).isEmpty();
    assertThat(run.client.status).isEqualTo(503);
    assertThat(run.error().message()).contains("no healthy").contains("model 'm'");
  }

  @ParameterizedTest
  @EnumSource(RouterId.class)
  void aSilentWorkerMissesItsFirstByteDeadlineAndTheNextTargetAnswers(RouterId router) {
    List<Attempt> cancelled = new CopyOnWriteArrayList<>();
    Timeouts quick = Timeouts.DEFAULTS.withFirstByte(Duration.ofMillis(200));
    Run run = new Run(router, 3, quick).go(false, List.of(silent(cancelled), ok()));
    assertThat(run.client.status).isEqualTo(200);
    assertThat(cancelled).hasSize(1); // the silent attempt's upstream work was stopped
    await().atMost(Duration.ofSeconds(5)).until(() -> run.reports.stream().anyMatch(r -> r.cause() == Cause.TIMEOUT));
    assertThat(run.reports).filteredOn(r -> r.cause() == Cause.TIMEOUT)
        .allSatisfy(r -> assertThat(r.workerFault()).isTrue());
  }

  @ParameterizedTest
  @EnumSource(RouterId.class)
  void theTotalDeadlineEndsTheRequestWith504(RouterId router) {
    List<Attempt> cancelled = new CopyOnWriteArrayList<>();
    Timeouts total = Timeouts.DEFAULTS.withTotal(Duration.ofMillis(300));
    Run run = new Run(router, 3, total).go(false, List.of(silent(cancelled)));
    assertThat(run.client.status).isEqualTo(504);
    assertThat(run.error().message()).contains("total deadline");
    assertThat(cancelled).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(RouterId.class)
  void aClientThatLeavesCancelsTheAttemptAndNothingIsRetried(RouterId router) {
    List<Attempt> cancelled = new CopyOnWriteArrayList<>();
    Run run = new Run(router);
    String body = "{\"model\":\"m\"}";
    Exchange exchange = new Exchange(run.client.request, RequestFacts.scan(Endpoint.CHAT, Buffer.buffer(body), run.client.requestHeaders), "req-2");
    Transport transport = a -> {
      run.targets.add(a.target());
      silent(cancelled).accept(a);
    };
    vertx.runOnContext(v -> run.pipeline.run(exchange, MODEL, router, run.pipeline.picker(router), transport));
    await().atMost(Duration.ofSeconds(5)).until(() -> run.targets.size() == 1);
    vertx.runOnContext(v -> run.client.leave());
    await().atMost(Duration.ofSeconds(5)).until(() -> cancelled.size() == 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> !run.reports.isEmpty());
    assertThat(run.reports).allSatisfy(r -> assertThat(r.kind()).isEqualTo(Kind.CANCELLED));
    assertThat(run.targets).hasSize(1);
    assertThat(run.registry.snapshot().all()).allSatisfy(w -> assertThat(w.inFlight()).isZero());
  }

  @ParameterizedTest
  @EnumSource(value = RouterId.class, names = {"HTTP_PD", "GRPC_PD"})
  void inAPairOnlyTheHalfThatFailedIsAvoided(RouterId router) {
    Run run = new Run(router, 2, Timeouts.DEFAULTS);
    Consumer<Attempt> prefillFails = a -> a.end(new Outcome.FailedBeforeBytes(Failure.of(((Target.Pair) a.target()).prefill(),
        Cause.UNREACHABLE, OpenAiError.badGateway("prefill down"))));
    run.go(false, List.of(prefillFails, ok()));
    Target.Pair first = (Target.Pair) run.targets.get(0);
    Target.Pair second = (Target.Pair) run.targets.get(1);
    assertThat(second.prefill()).isNotEqualTo(first.prefill());
    assertThat(run.client.status).isEqualTo(200);
    assertThat(run.reports).filteredOn(r -> r.kind() == Kind.FAILED_BEFORE_BYTES).extracting(AttemptReport::worker)
        .containsExactly(first.prefill());
  }
}
