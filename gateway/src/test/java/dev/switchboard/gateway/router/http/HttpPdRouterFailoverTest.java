package dev.switchboard.gateway.router.http;

import dev.switchboard.gateway.router.RouterId;
import static dev.switchboard.gateway.router.http.PdFleet.inference;
import static dev.switchboard.gateway.router.http.PdFleet.json;
import static dev.switchboard.gateway.router.http.PdFleet.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.Gateway;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.SimRole;
import dev.switchboard.sim.SimWorker;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** PD failure paths that need their own fleet: unreachable workers, and the pool losing its last decode worker. */
@Timeout(60)
class HttpPdRouterFailoverTest {
  /** Long enough that a worker stays "healthy" after it dies: the router, not the health checker, must cope. */
  private static final Duration NO_RECHECK = Duration.ofHours(1);

  @Test
  void anUnreachablePrefillIs502AndTheDecodeIsCancelled() {
    SimWorker prefill = PdFleet.prefill();
    try (SimWorker decode = PdFleet.decode(); Gateway g = PdFleet.gateway(NO_RECHECK, 3, prefill, decode)) {
      prefill.close();
      HttpResponse<String> r = post(g, "/generate", "{\"text\": \"x\"}");
      assertThat(r.statusCode()).isEqualTo(502);
      JsonNode error = json(r.body()).get("error");
      assertThat(error.get("message").asText()).contains(prefill.url());
      // The decode is not left waiting for its room: the gateway cancelled it, or it was never sent, or it
      // found the prefill's bootstrap endpoint gone and gave up itself — whichever came first.
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        assertThat(decode.stats().cancelled() + decode.stats().bootstrapFailures())
            .isEqualTo(inference(decode, "/generate").size());
        assertThat(decode.stats().inFlight()).isZero();
        assertThat(g.registry().snapshot().all()).allSatisfy(w -> assertThat(w.inFlight()).isZero());
      });
    }
  }

  @Test
  void anUnreachableDecodeIs502() {
    SimWorker decode = PdFleet.decode();
    try (SimWorker prefill = PdFleet.prefill(); Gateway g = PdFleet.gateway(NO_RECHECK, 3, prefill, decode)) {
      decode.close();
      HttpResponse<String> r = post(g, "/generate", "{\"text\": \"x\", \"stream\": true}");
      assertThat(r.statusCode()).isEqualTo(502);
      assertThat(json(r.body()).at("/error/message").asText()).contains(decode.url());
    }
  }

  @Test
  void aDecodeThatDiesMidStreamEndsTheStreamWithAValidJsonErrorEventAndDone() throws Exception {
    SimWorker decode = PdFleet.decode();
    try (SimWorker prefill = PdFleet.prefill(); Gateway g = PdFleet.gateway(NO_RECHECK, 3, prefill, decode)) {
      decode.controls().holdStreamsAfterFirstEvent(true);
      HttpResponse<Stream<String>> r = PdFleet.HTTP.send(PdFleet.request(g, "/generate",
          "{\"text\": \"break\", \"stream\": true, \"sampling_params\": {\"max_new_tokens\": 8}}"),
          HttpResponse.BodyHandlers.ofLines());
      assertThat(r.statusCode()).isEqualTo(200);
      Iterator<String> lines = r.body().iterator();
      assertThat(CompletableFuture.supplyAsync(lines::next).get(10, TimeUnit.SECONDS)).startsWith("data: {");
      decode.close(); // the decode worker dies while its stream is held open
      List<String> events = new ArrayList<>();
      lines.forEachRemaining(l -> {
        if (l.startsWith("data: ")) events.add(l);
      });
      assertThat(events).hasSize(2);
      assertThat(events.getLast()).isEqualTo("data: [DONE]");
      JsonNode error = json(events.getFirst().substring(6)).get("error");
      assertThat(error.get("code").asText()).isEqualTo("worker_unreachable");
      assertThat(error.get("message").asText()).contains("decode worker").contains(decode.url());
      await().untilAsserted(() -> assertThat(g.registry().snapshot().all()).allSatisfy(w -> assertThat(w.inFlight()).isZero()));
    }
  }

  @Test
  void anIpv6PrefillIsAnnouncedWithBracketsAndPairs() {
    try (SimWorker prefill = SimWorker.start(SimConfig.of(PdFleet.MODEL).withHost("::1").withRole(SimRole.PREFILL).withNoLatency());
         SimWorker decode = PdFleet.decode(); Gateway g = PdFleet.gateway(NO_RECHECK, 1, prefill, decode)) {
      assertThat(prefill.url()).startsWith("http://[::1]:");
      HttpResponse<String> r = post(g, "/generate", "{\"text\": \"over ipv6\"}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode sent = json(inference(decode, "/generate").getFirst().bodyAsString());
      assertThat(sent.get("bootstrap_host").asText()).isEqualTo("[::1]");
      assertThat(sent.get("bootstrap_port").asInt()).isEqualTo(prefill.bootstrapPort());
      assertThat(decode.stats().bootstrapFailures()).isZero();
    }
  }

  @Test
  void anUnreachableDecodeIsRetriedOnAnotherPair() {
    SimWorker dead = PdFleet.decode();
    try (SimWorker prefill = PdFleet.prefill(); SimWorker alive = PdFleet.decode();
         Gateway g = PdFleet.gateway(NO_RECHECK, 3, prefill, dead, alive)) {
      dead.close();
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> r = post(g, "/generate", "{\"text\": \"x" + i + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      }
      assertThat(inference(alive, "/generate")).hasSize(3);
      // A fresh room per attempt: the prefill saw every attempt, the failed ones included.
      long rooms = inference(prefill, "/generate").stream()
          .map(q -> json(q.bodyAsString()).get("bootstrap_room").asLong()).distinct().count();
      assertThat(rooms).isEqualTo(inference(prefill, "/generate").size()).isGreaterThan(3);
    }
  }

  @Test
  void thePdRouterServesAFullPoolAndTheRegularRouterTakesOverWhenTheLastDecodeLeaves() {
    try (SimWorker regular = PdFleet.regular(PdFleet.MODEL); SimWorker prefill = PdFleet.prefill();
         SimWorker decode = PdFleet.decode(); Gateway g = PdFleet.gateway(Duration.ofMillis(500), 3, regular, prefill, decode)) {
      String body = "{\"model\": \"pd-model\", \"prompt\": \"hello\", \"max_tokens\": 2}";
      assertThat(post(g, "/v1/completions", body).statusCode()).isEqualTo(200);
      assertThat(inference(decode, "/v1/completions")).hasSize(1);
      assertThat(inference(prefill, "/v1/completions")).hasSize(1);
      assertThat(inference(regular, "/v1/completions")).isEmpty();

      g.registry().remove(decode.url());
      assertThat(g.routers().routers()).doesNotContainKey(RouterId.HTTP_PD);
      assertThat(post(g, "/v1/completions", body).statusCode()).isEqualTo(200);
      assertThat(inference(regular, "/v1/completions")).hasSize(1);
      assertThat(inference(decode, "/v1/completions")).hasSize(1);
      assertThat(inference(prefill, "/v1/completions")).hasSize(1);
    }
  }

  @Test
  void preferPdFalseAndEmbeddingsUseTheRegularWorkersOfAPdModel() {
    try (SimWorker regular = PdFleet.regular(PdFleet.MODEL); SimWorker prefill = PdFleet.prefill();
         SimWorker decode = PdFleet.decode(); Gateway g = PdFleet.gateway(Duration.ofMillis(500), 3, regular, prefill, decode)) {
      String body = "{\"model\": \"pd-model\", \"prompt\": \"hello\", \"max_tokens\": 2}";
      assertThat(post(g, "/v1/completions", body, "x-prefer-pd", "false").statusCode()).isEqualTo(200);
      assertThat(inference(regular, "/v1/completions")).hasSize(1);
      assertThat(inference(decode, "/v1/completions")).isEmpty();

      String embed = "{\"model\": \"pd-model\", \"input\": \"hello\"}";
      assertThat(post(g, "/v1/embeddings", embed).statusCode()).isEqualTo(200);
      assertThat(inference(regular, "/v1/embeddings")).hasSize(1);
    }
  }

  @Test
  void readinessNeedsAHealthyPair() {
    try (SimWorker prefill = PdFleet.prefill(); SimWorker decode = PdFleet.decode();
         Gateway g = PdFleet.gateway(Duration.ofMillis(200), 3, prefill, decode)) {
      assertThat(g.routers().ready()).isTrue();
      decode.controls().healthy(false);
      await().atMost(Duration.ofSeconds(20)).until(() -> !g.routers().ready());
      HttpResponse<String> r = post(g, "/generate", "{\"text\": \"x\"}");
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(inference(prefill, "/generate")).isEmpty();
    }
  }
}
