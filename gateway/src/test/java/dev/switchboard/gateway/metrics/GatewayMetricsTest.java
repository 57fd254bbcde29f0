package dev.switchboard.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.worker.WorkerRegistry;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The cached data points count exactly what the label lookups counted: one series per endpoint, router, status. */
class GatewayMetricsTest {

  @Test
  void requestsAreCountedPerEndpointRouterAndStatus() {
    GatewayMetrics metrics = new GatewayMetrics(new WorkerRegistry());
    long t0 = System.nanoTime();
    for (int i = 0; i < 3; i++) metrics.requestFinished("chat", "http-regular", 200, t0);
    metrics.requestFinished("chat", "http-regular", 503, t0);
    metrics.requestFinished("chat", "grpc-regular", 200, t0);
    metrics.requestFinished("completions", "http-regular", 200, t0);
    metrics.requestFinished("chat", "none", 404, t0);
    metrics.requestFinished("chat", "none", 999, t0); // outside 100..599: still counted
    metrics.retried("http-regular");

    String text = new String(metrics.scrape(), StandardCharsets.UTF_8);
    assertThat(text)
        .contains("switchboard_requests_total{endpoint=\"chat\",router=\"http-regular\",status=\"200\"} 3.0")
        .contains("switchboard_requests_total{endpoint=\"chat\",router=\"http-regular\",status=\"503\"} 1.0")
        .contains("switchboard_requests_total{endpoint=\"chat\",router=\"grpc-regular\",status=\"200\"} 1.0")
        .contains("switchboard_requests_total{endpoint=\"completions\",router=\"http-regular\",status=\"200\"} 1.0")
        .contains("switchboard_requests_total{endpoint=\"chat\",router=\"none\",status=\"404\"} 1.0")
        .contains("switchboard_requests_total{endpoint=\"chat\",router=\"none\",status=\"999\"} 1.0")
        .contains("switchboard_request_duration_seconds_count{endpoint=\"chat\",router=\"http-regular\"} 4")
        .contains("switchboard_request_duration_seconds_count{endpoint=\"chat\",router=\"none\"} 2")
        .contains("switchboard_retries_total{router=\"http-regular\"} 1.0");
  }
}
