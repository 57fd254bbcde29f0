package dev.switchboard.gateway.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.sim.kv.KvDialect;
import dev.switchboard.sim.kv.KvEventPublisher;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The gateway follows simulated workers' KV events over real ZeroMQ sockets, in both dialects (vLLM: endpoints from
 * the deployment, byte hashes, media; SGLang: endpoints discovered from /get_server_info, integer hashes).
 */
class KvEventsRoutingTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @ParameterizedTest
  @EnumSource(KvDialect.class)
  void aRequestSentStraightToAWorkerIsFoundThroughItsEvents(KvDialect dialect) throws Exception {
    try (KvFleet f = new KvFleet(4, dialect, dialect == KvDialect.VLLM, "kv_aware")) {
      String system = KvFleet.system(1);
      String first = KvFleet.chat(system, "What is the first thing?");
      f.direct(2, first); // another client, not through the gateway
      await().atMost(WAIT).until(() -> f.cachedBlocks(first, 2) >= 20);
      for (int i : new int[] {0, 1, 3}) assertThat(f.cachedBlocks(first, i)).isZero();

      // same system prompt, another question: only worker 2 holds the prefix
      for (int k = 0; k < 3; k++) {
        String r = f.viaGateway(KvFleet.chat(system, "And question number " + k + "?")).headers().firstValue("x-served-by").orElseThrow();
        assertThat(r).isEqualTo(f.sims.get(2).workerId());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(KvDialect.class)
  void aGapIsRecoveredThroughTheReplaySocket(KvDialect dialect) throws Exception {
    try (KvFleet f = new KvFleet(1, dialect, true, "kv_aware")) {
      KvEventPublisher p = f.publishers.getFirst();
      String a = KvFleet.chat(KvFleet.system(10), "a");
      f.direct(0, a);
      await().atMost(WAIT).until(() -> f.cachedBlocks(a, 0) >= 20);

      p.dropNext(2, false); // lost on the wire, still in the replay buffer
      String b = KvFleet.chat(KvFleet.system(11), "b");
      f.direct(0, b);
      int extra = 12;
      while (p.dropsPending() > 0) f.direct(0, KvFleet.chat(KvFleet.system(extra++), "filler"));
      String after = KvFleet.chat(KvFleet.system(99), "after");
      f.direct(0, after); // the next message shows the gap

      await().atMost(WAIT).until(() -> f.cachedBlocks(after, 0) >= 20);
      KvSubscriber.Stats s = f.stats(0);
      String seen = "gaps " + s.gaps + ", replayed " + s.replayed + ", resets " + s.resets;
      assertThat(s.gaps.get()).as(seen).isGreaterThanOrEqualTo(1);
      assertThat(s.replayed.get()).as(seen).isGreaterThanOrEqualTo(2);
      assertThat(s.resets.get()).as(seen).isZero();
      assertThat(f.cachedBlocks(b, 0)).isGreaterThanOrEqualTo(20); // learnt from the replay
      assertThat(f.cachedBlocks(a, 0)).isGreaterThanOrEqualTo(20); // nothing was thrown away
    }
  }

  @ParameterizedTest
  @EnumSource(KvDialect.class)
  void aGapTheReplayCannotFillResetsThatWorkersEntries(KvDialect dialect) throws Exception {
    try (KvFleet f = new KvFleet(1, dialect, true, "kv_aware")) {
      KvEventPublisher p = f.publishers.getFirst();
      String a = KvFleet.chat(KvFleet.system(20), "a");
      f.direct(0, a);
      await().atMost(WAIT).until(() -> f.cachedBlocks(a, 0) >= 20);

      p.dropNext(1, true); // gone for good
      int extra = 21;
      while (p.dropsPending() > 0) f.direct(0, KvFleet.chat(KvFleet.system(extra++), "filler"));
      String after = KvFleet.chat(KvFleet.system(98), "after");
      f.direct(0, after);

      await().atMost(WAIT).until(() -> f.stats(0).resets.get() >= 1);
      assertThat(f.cachedBlocks(a, 0)).isZero(); // what was known before the gap is no longer trusted
      String later = KvFleet.chat(KvFleet.system(97), "later");
      f.direct(0, later);
      await().atMost(WAIT).until(() -> f.cachedBlocks(later, 0) >= 20); // and it learns again
    }
  }

  @ParameterizedTest
  @EnumSource(KvDialect.class)
  void allBlocksClearedEmptiesTheWorkersEntries(KvDialect dialect) throws Exception {
    try (KvFleet f = new KvFleet(1, dialect, true, "kv_aware")) {
      String a = KvFleet.chat(KvFleet.system(30), "a");
      f.direct(0, a);
      await().atMost(WAIT).until(() -> f.cachedBlocks(a, 0) >= 20);
      await().atMost(WAIT).until(() -> f.sims.getFirst().stats().running() == 0);
      f.sims.getFirst().runtime().engine().flushCache().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      await().atMost(WAIT).until(() -> f.index().blocks(f.worker(0)).size() == 0);
      assertThat(f.index().entries()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(KvDialect.class)
  void aRemovedWorkersEntriesAreDropped(KvDialect dialect) throws Exception {
    try (KvFleet f = new KvFleet(2, dialect, true, "kv_aware")) {
      String a = KvFleet.chat(KvFleet.system(40), "a");
      String b = KvFleet.chat(KvFleet.system(41), "b");
      f.direct(0, a);
      f.direct(1, b);
      await().atMost(WAIT).until(() -> f.cachedBlocks(a, 0) >= 20 && f.cachedBlocks(b, 1) >= 20);
      Worker gone = f.worker(0);
      long before = f.index().entries();
      f.gateway.registry().remove(gone.url());
      assertThat(f.index().blocks(gone)).isNull();
      assertThat(f.gateway.kvEvents().subscribed(gone)).isFalse();
      assertThat(f.index().entries()).isLessThan(before).isEqualTo(f.index().blocks(f.worker(1)).size());
      assertThat(f.cachedBlocks(b, 1)).isGreaterThanOrEqualTo(20);
    }
  }

  @ParameterizedTest
  @EnumSource(KvDialect.class)
  void aPublisherThatRestartsIsReconnectedAndItsOldEntriesDropped(KvDialect dialect) throws Exception {
    try (KvFleet f = new KvFleet(1, dialect, true, "kv_aware")) {
      String a = KvFleet.chat(KvFleet.system(50), "a");
      f.direct(0, a);
      await().atMost(WAIT).until(() -> f.cachedBlocks(a, 0) >= 20);
      KvEventPublisher old = f.publishers.getFirst();
      f.sims.getFirst().stopKvEvents();
      // the engine comes back on the same ports with its sequence starting over (and, being new, an empty cache)
      f.sims.getFirst().runtime().engine().flushCache().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      int replayPort = Integer.parseInt(old.replayEndpoint().substring(old.replayEndpoint().lastIndexOf(':') + 1));
      KvEventPublisher restarted = f.sims.getFirst().startKvEvents(old.options().withPorts(old.port(), replayPort));
      int[] next = {51};
      await().atMost(WAIT).until(() -> { // new prompts until the subscriber has reconnected and hears one
        String b = KvFleet.chat(KvFleet.system(next[0]++), "b");
        f.direct(0, b);
        return f.cachedBlocks(b, 0) >= 20;
      });
      assertThat(f.stats(0).resets.get()).isGreaterThanOrEqualTo(1);
      assertThat(f.cachedBlocks(a, 0)).isZero();
      assertThat(restarted.published()).isGreaterThanOrEqualTo(1);
    }
  }

  @org.junit.jupiter.api.Test
  void twoReplicasAgreeOnWhereAConversationsHistoryIs() throws Exception {
    try (KvFleet f = new KvFleet(4, KvDialect.SGLANG, true, "kv_aware");
        dev.switchboard.gateway.Gateway second = dev.switchboard.gateway.Gateway.start(f.gateway.config())) {
      await().atMost(WAIT).until(() -> second.routers().ready() && second.registry().snapshot().all().stream()
          .allMatch(w -> second.kvEvents().synced(w)) && second.kvEvents().prompts().encode(KvFleet.MODEL, "/v1/completions",
              new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("prompt", "warm")) != null);
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      String history = KvFleet.system(60);
      String servedBy = null;
      for (int turn = 0; turn < 6; turn++) {
        int port = turn % 2 == 0 ? f.gateway.port() : second.port(); // the turns alternate between the replicas
        String body = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("model", KvFleet.MODEL)
            .put("prompt", history).put("max_tokens", 4).toString();
        java.net.http.HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + port + "/v1/completions")).header("content-type", "application/json")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        String by = r.headers().firstValue("x-served-by").orElseThrow();
        if (servedBy == null) {
          servedBy = by;
          String first = history;
          int held = java.util.stream.IntStream.range(0, 4).filter(i -> f.sims.get(i).workerId().equals(first.isEmpty() ? "" : by)).findFirst().orElseThrow();
          // both replicas learn the first turn from the worker's events before the next turn
          int[] ids = f.gateway.kvEvents().prompts().encode(KvFleet.MODEL, "/v1/completions",
              new com.fasterxml.jackson.databind.ObjectMapper().readTree(body));
          await().atMost(WAIT).until(() -> second.kvEvents().index().cachedBlocks(ids, List.of(second.registry().snapshot().byUrl(f.sims.get(held).url())))[0] >= 20);
        }
        assertThat(by).as("turn " + turn).isEqualTo(servedBy);
        String answer = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).path("choices").path(0).path("text").asText();
        history = history + " " + answer + " and then question " + turn + " about the river?";
      }
    }
  }
}
