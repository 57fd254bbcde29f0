package dev.switchboard.gateway.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.testing.Fleet;
import dev.switchboard.gateway.worker.AttemptListener;
import dev.switchboard.gateway.worker.AttemptReport;
import dev.switchboard.gateway.worker.Worker;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * A worker whose breaker the attempt outcomes opened: out of rotation while its /health says 200, and the state
 * shows in /workers, /routers and /metrics. (Outcomes are given to the gateway's own listeners, as the attempt
 * loop gives them.)
 */
class BreakerVisibilityTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void anOpenBreakerTakesAHealthyWorkerOutOfRotationAndShowsEverywhere() throws Exception {
    try (Fleet f = Fleet.start(Fleet.sim("m").withNoLatency(), Fleet.sim("m").withNoLatency()).awaitReady()) {
      Worker bad = f.gateway().registry().snapshot().byUrl(f.sim(0).url());
      AttemptReport stalled = new AttemptReport(bad, "http-regular", AttemptReport.Kind.FAILED_AFTER_BYTES,
          AttemptReport.Cause.TIMEOUT, 504, 0, 1, 2);
      for (int i = 0; i < bad.breaker().settings().failureThreshold(); i++) {
        for (AttemptListener l : f.gateway().attemptListeners()) l.attemptEnded(stalled);
      }
      assertThat(bad.isHealthy()).isTrue();

      for (int i = 0; i < 10; i++) {
        HttpResponse<String> r = f.post("/v1/chat/completions", Fleet.chat("m", "x" + i, false));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-served-by")).contains(f.sim(1).workerId());
      }

      JsonNode workers = JSON.readTree(f.get("/workers").body()).path("workers");
      JsonNode shown = null;
      for (JsonNode w : workers) if (w.path("url").asText().equals(bad.url())) shown = w;
      assertThat(shown).isNotNull();
      assertThat(shown.path("healthy").asBoolean()).isTrue();
      assertThat(shown.path("available").asBoolean()).isFalse();
      assertThat(shown.path("circuit_breaker").path("state").asText()).isEqualTo("open");
      assertThat(f.get("/routers").body()).contains("\"state\":\"open\"");
      await().untilAsserted(() -> assertThat(f.get("/metrics").body())
          .contains("switchboard_worker_circuit_state{model=\"m\",type=\"regular\",worker=\"" + bad.url() + "\"} 1.0"));
    }
  }
}
