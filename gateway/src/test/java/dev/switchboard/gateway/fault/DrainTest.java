package dev.switchboard.gateway.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.testing.Fleet;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Graceful drain on real sockets: readiness and new requests at once, streams in flight finish or are cut cleanly. */
class DrainTest {
  private static Fleet fleet(Duration drainTimeout) {
    return Fleet.start(List.of(Fleet.SimSpec.of(Fleet.sim("m").withNoLatency())), g -> g.withDrainTimeout(drainTimeout), Map.of()).awaitReady();
  }

  private static HttpResponse<Stream<String>> heldStream(Fleet f) throws Exception {
    f.sim(0).controls().holdStreamsAfterFirstEvent(true);
    HttpResponse<Stream<String>> held = f.http().send(HttpRequest.newBuilder(f.uri("/v1/chat/completions"))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(Fleet.chat("m", "s", true))).build(),
        HttpResponse.BodyHandlers.ofLines());
    assertThat(held.statusCode()).isEqualTo(200);
    await().until(() -> f.gateway().drainState().inFlight() == 1);
    return held;
  }

  @Test
  void drainingRefusesNewRequestsAtOnceAndLetsStreamsInFlightFinish() throws Exception {
    try (Fleet f = fleet(Duration.ofSeconds(60))) {
      HttpResponse<Stream<String>> held = heldStream(f);
      var drained = f.gateway().drain();

      assertThat(f.get("/readiness").statusCode()).isEqualTo(503);
      assertThat(f.get("/readiness").body()).contains("draining");
      HttpResponse<String> refused = f.post("/v1/chat/completions", Fleet.chat("m", "new", false));
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.body()).contains("\"code\":\"draining\"");
      assertThat(refused.headers().firstValue("retry-after")).isPresent();
      assertThat(drained.isComplete()).isFalse();

      f.sim(0).controls().releaseStreams();
      List<String> lines = held.body().filter(l -> l.startsWith("data: ")).toList();
      assertThat(lines.getLast()).isEqualTo("data: [DONE]");
      assertThat(lines).noneMatch(l -> l.contains("\"error\""));
      drained.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(f.sim(0).stats().completed()).isEqualTo(1);
    }
  }

  @Test
  void streamsStillRunningAtTheDrainTimeoutEndWithAnSseErrorAndTheWorkersRequestStops() throws Exception {
    try (Fleet f = fleet(Duration.ofSeconds(1))) {
      HttpResponse<Stream<String>> held = heldStream(f);
      var drained = f.gateway().drain();
      List<String> lines = held.body().filter(l -> l.startsWith("data: ")).toList();
      assertThat(lines.get(lines.size() - 2)).contains("\"error\"").contains("drain timeout");
      assertThat(lines.getLast()).isEqualTo("data: [DONE]");
      drained.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      // The worker's request was stopped (connection reset and /abort_request), not left running.
      await().untilAsserted(() -> assertThat(f.sim(0).stats().inFlight()).isZero());
      assertThat(f.sim(0).stats().cancelled() + f.sim(0).stats().aborted()).isGreaterThanOrEqualTo(1);
      assertThat(f.sim(0).stats().completed()).isZero();
      // A drain says nothing about the worker: its breaker did not count it.
      assertThat(f.gateway().registry().snapshot().all().getFirst().breaker().state().wireName()).isEqualTo("closed");
    }
  }

  @Test
  void postDrainStartsADrain() throws Exception {
    try (Fleet f = fleet(Duration.ofSeconds(5))) {
      HttpResponse<String> accepted = f.post("/drain", "");
      assertThat(accepted.statusCode()).isEqualTo(202);
      assertThat(accepted.body()).contains("\"draining\":true");
      assertThat(f.gateway().drainState().draining()).isTrue();
      assertThat(f.get("/readiness").statusCode()).isEqualTo(503);
      f.gateway().drain().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }
}
