package dev.switchboard.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.worker.LoadPoller;
import dev.switchboard.gateway.worker.Worker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LoadPollerTest {
  private static byte[] json(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aReportIsTheSumOfQueuedAndRunningRequestsOverRanks() {
    assertThat(LoadPoller.parse(json("[{\"dp_rank\":0,\"num_reqs\":3,\"num_tokens\":900},{\"dp_rank\":1,\"num_reqs\":2}]"))).isEqualTo(5);
    assertThat(LoadPoller.parse(json("{\"num_reqs\":4}"))).isEqualTo(4);
    assertThat(LoadPoller.parse(json("{\"load\":4}"))).isEqualTo(-1);
    assertThat(LoadPoller.parse(json("not json"))).isEqualTo(-1);
  }

  /** A fetch failure carrying a status, as the gateway's HTTP client produces for non-2xx answers. */
  private static final class Status extends RuntimeException implements LoadPoller.StatusFailure {
    private final int status;

    Status(int status) {
      this.status = status;
    }

    @Override public int status() { return status; }
  }

  @Test
  void workersWithoutTheEndpointAreLeftAloneAndOnlyWantedWorkersArePolled() {
    TestWorkers workers = new TestWorkers();
    Worker sglang = workers.add("http://sglang:1");
    Worker vllm = workers.add("http://vllm:1");
    Worker other = workers.add("http://other:1");
    AtomicInteger vllmCalls = new AtomicInteger();
    AtomicInteger sglangCalls = new AtomicInteger();
    LoadPoller poller = new LoadPoller(workers.registry(), w -> {
      if (w == vllm) {
        vllmCalls.incrementAndGet();
        return CompletableFuture.failedFuture(new Status(404));
      }
      if (w == sglang) sglangCalls.incrementAndGet();
      return CompletableFuture.completedFuture(json("[{\"num_reqs\":6}]"));
    }, w -> w != other, Duration.ofMillis(20));
    try {
      poller.start();
      await().atMost(Duration.ofSeconds(5)).until(() -> sglang.reportedLoad() == 6);
      await().atMost(Duration.ofSeconds(5)).until(() -> sglangCalls.get() >= 20); // 20 ticks went by
      assertThat(vllmCalls.get()).isEqualTo(1); // asked once, then only every 60th tick
      assertThat(vllm.reportedLoad()).isEqualTo(-1);
      assertThat(other.reportedLoad()).isEqualTo(-1);
    } finally {
      poller.close();
    }
  }
}
