package dev.switchboard.gateway.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.config.ModelSettings;
import dev.switchboard.gateway.config.Timeouts;
import dev.switchboard.gateway.testing.GrpcFleet;
import dev.switchboard.gateway.worker.BreakerSettings;
import dev.switchboard.gateway.worker.CircuitBreaker.State;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.protocol.scheduler.AbortRequest;
import dev.switchboard.sim.SimRole;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The stall row of the fault table over gRPC: the same deadline, the same SSE ending, an Abort with the gateway's id. */
class GrpcFaultTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aStalledGrpcStreamEndsWithAnSseErrorTheWorkerGetsAnAbortAndTheBreakerOpens() throws Exception {
    ModelSettings m = new ModelSettings(null, null, null, GrpcFleet.tokenizer(), null, null,
        new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ZERO), null,
        new BreakerSettings(2, Duration.ofSeconds(30), Duration.ofSeconds(30), 1), null, null);
    try (GrpcFleet f = GrpcFleet.start(List.of(GrpcFleet.sim("g", SimRole.REGULAR).withNoLatency()), List.of(), Map.of("g", m)).awaitReady()) {
      f.sim(0).controls().stallAfterEvents(2);
      Worker w = f.gateway().registry().snapshot().all().getFirst();
      for (int i = 0; i < 2; i++) {
        String body = "{\"model\":\"g\",\"stream\":true,\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"stall " + i + "\"}]}";
        List<String> lines = f.http().sendAsync(HttpRequest.newBuilder(f.uri("/v1/chat/completions")).header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofLines())
            .thenApply(r -> r.body().filter(l -> l.startsWith("data: ")).toList()).get(10, TimeUnit.SECONDS);
        assertThat(lines.getLast()).isEqualTo("data: [DONE]");
        assertThat(JSON.readTree(lines.get(lines.size() - 2).substring(6)).path("error").path("code").asText()).isEqualTo("worker_timeout");
      }
      await().untilAsserted(() -> assertThat(f.sim(0).received().stream().filter(r -> r.path().endsWith("Abort")).count()).isEqualTo(2));
      String aborted = AbortRequest.parseFrom(f.sim(0).received().stream().filter(r -> r.path().endsWith("Abort")).findFirst().orElseThrow().body()).getRequestId();
      assertThat(aborted).startsWith("sb-");
      assertThat(w.isHealthy()).isTrue();
      assertThat(w.breaker().state()).isEqualTo(State.OPEN);
      HttpResponse<String> refused = f.post("/v1/chat/completions", "{\"model\":\"g\",\"max_tokens\":4,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
      assertThat(refused.statusCode()).isEqualTo(503);
    }
  }
}
