package dev.switchboard.gateway.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.config.RetrySettings;
import dev.switchboard.gateway.config.Timeouts;
import dev.switchboard.gateway.testing.Fleet;
import dev.switchboard.gateway.worker.BreakerSettings;
import dev.switchboard.gateway.worker.CircuitBreaker.State;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.sim.SimWorker;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fault table (docs/RELIABILITY.md), one test per row, on real sockets: a fault switched on in a simulated
 * worker → what the client gets → what the worker's breaker does → the bound the answer arrives within. Deadlines
 * are short here (1 s first byte, 1 s idle); bounds are generous multiples, never sleeps.
 */
class FaultInjectionTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration FIRST_BYTE = Duration.ofSeconds(1);
  private static final Duration IDLE = Duration.ofSeconds(1);
  /** What any answer must arrive within: the deadline that applies, plus slack for a loaded machine. */
  private static final long BOUND_SECS = 8;
  private static final int THRESHOLD = 3;

  private Fleet fleet;

  /** Worker 0 gets the fault; worker 1 stays well. */
  private Fleet start() {
    fleet = Fleet.start(List.of(Fleet.SimSpec.of(Fleet.sim("m").withNoLatency()), Fleet.SimSpec.of(Fleet.sim("m").withNoLatency())),
        g -> g.withTimeouts(new Timeouts(Duration.ofSeconds(1), FIRST_BYTE, IDLE, Duration.ZERO))
            .withCircuitBreaker(new BreakerSettings(THRESHOLD, Duration.ofSeconds(30), Duration.ofSeconds(2), 1))
            .withRetry(new RetrySettings(2, Duration.ofMillis(10), Duration.ofMillis(2000), 0.2)),
        Map.of()).awaitReady();
    return fleet;
  }

  @AfterEach
  void stop() {
    if (fleet != null) fleet.close();
  }

  private SimWorker bad() { return fleet.sim(0); }
  private Worker badWorker() { return fleet.gateway().registry().snapshot().byUrl(bad().url()); }
  private Worker goodWorker() { return fleet.gateway().registry().snapshot().byUrl(fleet.sim(1).url()); }

  /** Pins requests to the bad worker: the good one fails its health checks (its breaker is not touched). */
  private void onlyTheBadWorker() {
    fleet.sim(1).controls().healthy(false);
    await().until(() -> !goodWorker().isHealthy());
  }

  private void goodWorkerBack() {
    fleet.sim(1).controls().healthy(true);
    await().until(() -> goodWorker().isHealthy());
  }

  private HttpResponse<String> post(String body) throws Exception {
    return fleet.http().sendAsync(HttpRequest.newBuilder(fleet.uri("/v1/chat/completions")).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).get(BOUND_SECS, TimeUnit.SECONDS);
  }

  /** The data lines of a streamed answer, read to the end within the bound. */
  private List<String> stream(String text) throws Exception {
    CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> r = fleet.http().sendAsync(HttpRequest.newBuilder(fleet.uri("/v1/chat/completions"))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(Fleet.chat("m", text, true))).build(),
        HttpResponse.BodyHandlers.ofLines());
    return r.thenApply(resp -> resp.body().filter(l -> l.startsWith("data: ")).toList()).get(BOUND_SECS, TimeUnit.SECONDS);
  }

  private static JsonNode json(String dataLine) throws Exception {
    return JSON.readTree(dataLine.substring("data: ".length()));
  }

  @Test
  void stallMidStreamWhileHealthSays200_sseErrorThenDone_breakerOpensAfterThreshold() throws Exception {
    start();
    onlyTheBadWorker();
    bad().controls().stallAfterEvents(2);
    for (int i = 0; i < THRESHOLD; i++) {
      List<String> lines = stream("stall " + i);
      assertThat(lines.getLast()).isEqualTo("data: [DONE]");
      JsonNode error = json(lines.get(lines.size() - 2)).path("error");
      assertThat(error.path("code").asText()).isEqualTo("worker_timeout");
      assertThat(error.path("message").asText()).contains("stalled");
    }
    assertThat(badWorker().isHealthy()).as("/health still says 200").isTrue();
    assertThat(badWorker().breaker().state()).isEqualTo(State.OPEN);
    await().untilAsserted(() -> assertThat(bad().stats().inFlight()).as("the stalled requests were cancelled at the worker").isZero());
    // Out of rotation: with the good worker back, every request goes there.
    goodWorkerBack();
    for (int i = 0; i < 4; i++) {
      HttpResponse<String> r = post(Fleet.chat("m", "after " + i, false));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("x-served-by")).contains(fleet.sim(1).workerId());
    }
  }

  @Test
  void hangBeforeTheFirstByte_retriedOnAnotherWorker_breakerCounts() throws Exception {
    start();
    bad().controls().hangAfterHeaders(true);
    for (int i = 0; i < THRESHOLD * 2; i++) {
      HttpResponse<String> r = post(Fleet.chat("m", "hang " + i, false));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("x-served-by")).contains(fleet.sim(1).workerId());
    }
    assertThat(badWorker().breaker().state()).isEqualTo(State.OPEN);
  }

  @Test
  void hangBeforeTheFirstByteWithNowhereElseToGo_504Json() throws Exception {
    start();
    onlyTheBadWorker();
    bad().controls().hang(true);
    HttpResponse<String> r = post(Fleet.chat("m", "hang", false));
    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(JSON.readTree(r.body()).path("error").path("code").asText()).isEqualTo("worker_timeout");
  }

  @Test
  void deathInsideAnEvent_theEventIsClosedThenAValidErrorAndDone_breakerCounts() throws Exception {
    start();
    onlyTheBadWorker();
    bad().controls().dieInsideEvent(2);
    List<String> lines = stream("die");
    assertThat(lines.getLast()).isEqualTo("data: [DONE]");
    JsonNode error = json(lines.get(lines.size() - 2)).path("error");
    assertThat(error.path("message").asText()).isNotEmpty();
    // The half event came through as an event of its own (closed with a blank line), never merged into the error.
    assertThat(lines.get(lines.size() - 3)).doesNotContain("\"error\"");
    assertThat(badWorker().breaker().state()).isEqualTo(State.CLOSED); // one fault is not enough
    for (int i = 1; i < THRESHOLD; i++) stream("die " + i);
    assertThat(badWorker().breaker().state()).isEqualTo(State.OPEN);
  }

  @Test
  void burstOf5xx_retriedElsewhere_clientSeesOnly200s_breakerOpensAndComesBackThroughHalfOpen() throws Exception {
    start();
    bad().controls().failNext(THRESHOLD, 503);
    for (int i = 0; i < THRESHOLD * 3; i++) assertThat(post(Fleet.chat("m", "burst " + i, false)).statusCode()).isEqualTo(200);
    assertThat(badWorker().breaker().state()).isEqualTo(State.OPEN);
    assertThat(bad().stats().faultsInjected()).isEqualTo(THRESHOLD);
    // open_secs later a real request probes it; the burst is over, so it closes.
    await().atMost(Duration.ofSeconds(10)).until(() -> badWorker().breaker().state() == State.HALF_OPEN);
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      post(Fleet.chat("m", "probe", false));
      return badWorker().breaker().state() == State.CLOSED;
    });
  }

  @Test
  void clientErrors4xx_passedOnAsIs_breakerNeverOpens() throws Exception {
    start();
    onlyTheBadWorker();
    bad().controls().failNext(THRESHOLD * 4, 400);
    for (int i = 0; i < THRESHOLD * 4; i++) {
      HttpResponse<String> r = post(Fleet.chat("m", "too long " + i, false));
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("injected fault 400");
    }
    assertThat(badWorker().breaker().state()).isEqualTo(State.CLOSED);
    assertThat(badWorker().breaker().transitions()).isZero();
    assertThat(bad().stats().requests("/v1/chat/completions")).as("4xx is never retried").isEqualTo(THRESHOLD * 4);
  }

  @Test
  void busy429WithRetryAfterBeyondTheCap_passedOnWithItsRetryAfter_breakerUntouched() throws Exception {
    start();
    bad().controls().retryAfter(Duration.ofSeconds(30)).failNext(THRESHOLD * 2, 429);
    onlyTheBadWorker();
    for (int i = 0; i < THRESHOLD * 2; i++) {
      HttpResponse<String> r = post(Fleet.chat("m", "busy " + i, false));
      assertThat(r.statusCode()).isEqualTo(429);
      assertThat(r.headers().firstValue("retry-after")).contains("30");
    }
    assertThat(badWorker().breaker().state()).isEqualTo(State.CLOSED);
  }

  @Test
  void busy429WithAShortRetryAfter_triedAgainAfterIt_on_theOtherWorker() throws Exception {
    start();
    bad().controls().retryAfter(Duration.ofSeconds(1)).failNext(1, 429);
    // Round robin: within two requests one lands on the busy worker first and is retried on the other.
    for (int i = 0; i < 2; i++) assertThat(post(Fleet.chat("m", "busy " + i, false)).statusCode()).isEqualTo(200);
    assertThat(bad().stats().faultsInjected()).isEqualTo(1);
    assertThat(badWorker().breaker().state()).isEqualTo(State.CLOSED);
  }

  @Test
  void slowStartWithinTheFirstByteDeadline_served_beyondIt_retriedElsewhere() throws Exception {
    start();
    onlyTheBadWorker();
    bad().controls().slowStart(Duration.ofMillis(300));
    assertThat(post(Fleet.chat("m", "slow", false)).statusCode()).isEqualTo(200);
    bad().controls().slowStart(Duration.ofSeconds(5));
    goodWorkerBack();
    for (int i = 0; i < 2; i++) {
      HttpResponse<String> r = post(Fleet.chat("m", "slower " + i, false));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("x-served-by")).contains(fleet.sim(1).workerId());
    }
  }

  @Test
  void flappingWorker_everyRequestAnswered_noneHangs() throws Exception {
    start();
    bad().controls().flap(Duration.ofMillis(150), Duration.ofMillis(150));
    for (int i = 0; i < 30; i++) assertThat(post(Fleet.chat("m", "flap " + i, false)).statusCode()).isEqualTo(200);
  }

  @Test
  void deadWorkerProcess_connectionRefused_retriedElsewhere_breakerOpens() throws Exception {
    start();
    bad().close();
    for (int i = 0; i < THRESHOLD * 2; i++) assertThat(post(Fleet.chat("m", "dead " + i, false)).statusCode()).isEqualTo(200);
    await().until(() -> !badWorker().isAvailable());
  }

  @Test
  void clientLeavesWhileTheGatewayBacksOff_noFurtherAttemptReachesAWorker() throws Exception {
    fleet = Fleet.start(List.of(Fleet.SimSpec.of(Fleet.sim("m").withNoLatency()), Fleet.SimSpec.of(Fleet.sim("m").withNoLatency())),
        g -> g.withRetry(new RetrySettings(3, Duration.ofMillis(10), Duration.ofSeconds(5), 0.2)), Map.of()).awaitReady();
    for (int i = 0; i < 2; i++) fleet.sim(i).controls().retryAfter(Duration.ofSeconds(2)).failNext(1, 503);
    CompletableFuture<HttpResponse<String>> leaving = fleet.http().sendAsync(HttpRequest.newBuilder(fleet.uri("/v1/chat/completions"))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(Fleet.chat("m", "leave", false))).build(),
        HttpResponse.BodyHandlers.ofString());
    await().until(() -> bad().stats().faultsInjected() + fleet.sim(1).stats().faultsInjected() == 1); // first attempt failed
    leaving.cancel(true); // the client leaves during the 2 s Retry-After wait
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() ->
        bad().stats().requests("/v1/chat/completions") + fleet.sim(1).stats().requests("/v1/chat/completions") == 1);
  }

  @Test
  void deadFleet_answers503WithRetryAfter_withoutABackoffStorm() throws Exception {
    start();
    bad().controls().failNext(100_000, 503);
    fleet.sim(1).controls().failNext(100_000, 503);
    int requests = 60;
    for (int i = 0; i < requests; i++) {
      HttpResponse<String> r = post(Fleet.chat("m", "down " + i, false));
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.headers().firstValue("retry-after")).isPresent();
    }
    long attempts = bad().stats().requests("/v1/chat/completions") + fleet.sim(1).stats().requests("/v1/chat/completions");
    assertThat((double) attempts / requests).as("upstream attempts per request").isLessThanOrEqualTo(1.2);
    assertThat(badWorker().breaker().state()).isEqualTo(State.OPEN);
    assertThat(goodWorker().breaker().state()).isEqualTo(State.OPEN);
    assertThat(post(Fleet.chat("m", "again", false)).body()).contains("no_available_workers");
  }
}
