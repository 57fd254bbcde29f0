package dev.switchboard.gateway.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.config.AdmissionSettings;
import dev.switchboard.gateway.config.ModelSettings;
import dev.switchboard.gateway.testing.Fleet;
import dev.switchboard.sim.SimConfig;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Admission control on real sockets: a held stream occupies the only slot; what the next requests get. */
class AdmissionTest {
  private static Fleet fleet(AdmissionSettings admission) {
    return Fleet.start(List.of(Fleet.SimSpec.of(Fleet.sim("m").withNoLatency())), g -> g.withAdmission(admission), Map.of()).awaitReady();
  }

  private static CompletableFuture<HttpResponse<Stream<String>>> stream(Fleet f) {
    return f.http().sendAsync(HttpRequest.newBuilder(f.uri("/v1/chat/completions")).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Fleet.chat("m", "held", true))).build(), HttpResponse.BodyHandlers.ofLines());
  }

  private static CompletableFuture<HttpResponse<String>> post(Fleet f, String text, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(f.uri("/v1/chat/completions")).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Fleet.chat("m", text, false)));
    if (headers.length > 0) b.headers(headers);
    return f.http().sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Starts a stream the sim holds after its first event; returns once the gateway counts it running. */
  private static HttpResponse<Stream<String>> holdTheSlot(Fleet f) throws Exception {
    f.sim(0).controls().holdStreamsAfterFirstEvent(true);
    HttpResponse<Stream<String>> held = stream(f).get();
    assertThat(held.statusCode()).isEqualTo(200);
    await().until(() -> f.gateway().admission().running() == 1);
    return held;
  }

  @Test
  void aFullQueueGets429WithRetryAfterAndTheQueuedRequestRunsWhenTheSlotFrees() throws Exception {
    try (Fleet f = fleet(new AdmissionSettings(1, 1, Duration.ofSeconds(30)))) {
      HttpResponse<Stream<String>> held = holdTheSlot(f);
      CompletableFuture<HttpResponse<String>> queued = post(f, "queued");
      await().until(() -> f.gateway().admission().queued() == 1);

      HttpResponse<String> refused = post(f, "refused").get();
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.headers().firstValue("retry-after")).contains("1");
      assertThat(refused.body()).contains("\"code\":\"queue_full\"").contains("\"type\":\"rate_limit_error\"");
      assertThat(queued).isNotDone();

      f.sim(0).controls().releaseStreams();
      assertThat(held.body().filter(l -> l.equals("data: [DONE]")).count()).isEqualTo(1); // the slot is held to the last byte
      assertThat(queued.get().statusCode()).isEqualTo(200);
      await().until(() -> f.gateway().admission().running() == 0);
    }
  }

  @Test
  void aRequestThatWaitsTooLongGets503WithRetryAfter() throws Exception {
    try (Fleet f = fleet(new AdmissionSettings(1, 4, Duration.ofSeconds(1)))) {
      HttpResponse<Stream<String>> held = holdTheSlot(f);
      HttpResponse<String> timedOut = post(f, "late").get();
      assertThat(timedOut.statusCode()).isEqualTo(503);
      assertThat(timedOut.headers().firstValue("retry-after")).isPresent();
      assertThat(timedOut.body()).contains("admission queue");
      assertThat(f.gateway().admission().queued()).isZero();
      f.sim(0).controls().releaseStreams();
      held.body().close();
    }
  }

  @Test
  void higherPriorityLeavesTheQueueFirst() throws Exception {
    try (Fleet f = fleet(new AdmissionSettings(1, 8, Duration.ofSeconds(30)))) {
      HttpResponse<Stream<String>> held = holdTheSlot(f);
      CompletableFuture<HttpResponse<String>> low = post(f, "low");
      await().until(() -> f.gateway().admission().queued() == 1);
      CompletableFuture<HttpResponse<String>> bodyPriority = f.http().sendAsync(HttpRequest.newBuilder(f.uri("/v1/chat/completions"))
          .header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"priority\":5,\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"mid\"}]}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      await().until(() -> f.gateway().admission().queued() == 2);
      CompletableFuture<HttpResponse<String>> high = post(f, "high", "x-priority", "10");
      await().until(() -> f.gateway().admission().queued() == 3);
      f.sim(0).clearReceived();

      f.sim(0).controls().releaseStreams();
      held.body().close();
      assertThat(high.get().statusCode()).isEqualTo(200);
      assertThat(bodyPriority.get().statusCode()).isEqualTo(200);
      assertThat(low.get().statusCode()).isEqualTo(200);
      List<String> order = f.sim(0).received().stream().filter(r -> r.path().equals("/v1/chat/completions"))
          .map(r -> new String(r.body())).map(b -> b.contains("high") ? "high" : b.contains("mid") ? "mid" : "low").toList();
      assertThat(order).containsExactly("high", "mid", "low");
    }
  }

  @Test
  void aClientThatLeavesWhileQueuedGivesUpItsPlace() throws Exception {
    try (Fleet f = fleet(new AdmissionSettings(1, 4, Duration.ofSeconds(30)))) {
      HttpResponse<Stream<String>> held = holdTheSlot(f);
      CompletableFuture<HttpResponse<String>> leaving = post(f, "leaving");
      await().until(() -> f.gateway().admission().queued() == 1);
      leaving.cancel(true); // the JDK client closes the connection
      await().until(() -> f.gateway().admission().queued() == 0);
      f.sim(0).controls().releaseStreams();
      held.body().close();
      await().until(() -> f.gateway().admission().running() == 0);
      assertThat(f.sim(0).received().stream().filter(r -> new String(r.body()).contains("leaving"))).isEmpty();
    }
  }

  @Test
  void aModelsOwnLimitAppliesOnTopOfTheGateways() throws Exception {
    Map<String, ModelSettings> models = Map.of("m", ModelSettings.containment(null, null,
        new AdmissionSettings(1, 0, Duration.ofSeconds(5)), null));
    try (Fleet f = Fleet.start(List.of(Fleet.SimSpec.of(Fleet.sim("m").withNoLatency())), g -> g, models).awaitReady()) {
      f.sim(0).controls().holdStreamsAfterFirstEvent(true);
      HttpResponse<Stream<String>> held = stream(f).get();
      await().until(() -> f.gateway().admission().modelCounts("m")[0] == 1);
      HttpResponse<String> refused = post(f, "second").get();
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.body()).contains("model 'm'");
      f.sim(0).controls().releaseStreams();
      held.body().close();
    }
  }
}
