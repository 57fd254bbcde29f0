package dev.switchboard.bench.jmh;

import dev.switchboard.gateway.exchange.Endpoint;
import dev.switchboard.gateway.exchange.RequestFacts;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The body scan every inference request pays ({@code RequestFacts.scan}: model, stream, user, n, routing-text
 * ranges), and the routing text cache_aware reads, on the overhead benchmark's 200-byte chat body and on a chat of
 * 20 turns (~8 KB).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class RequestFactsBenchmark {
  @Param({"1", "20"}) int turns;

  private Buffer body;
  private final MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json");

  @Setup
  public void setUp() {
    StringBuilder sb = new StringBuilder("{\"model\":\"bench-model\",\"messages\":[{\"role\":\"system\",\"content\":\"You are a helpful assistant.\"}");
    for (int i = 0; i < turns; i++) {
      sb.append(",{\"role\":\"user\",\"content\":\"Write one sentence about foxes, please. Keep it short and plain. Turn ")
          .append(i).append(i > 0 ? " and some more words to make the turn as long as a real one, with detail, " .repeat(4) : "").append("\"}");
      if (i + 1 < turns) sb.append(",{\"role\":\"assistant\",\"content\":\"Foxes are quick, and the brown one jumps over dogs.\"}");
    }
    body = Buffer.buffer(sb.append("],\"max_tokens\":32,\"stream\":true}").toString());
  }

  @Benchmark
  public Object scan() {
    return RequestFacts.scan(Endpoint.CHAT, body, headers);
  }

  @Benchmark
  public String scanAndRoutingText() {
    return RequestFacts.scan(Endpoint.CHAT, body, headers).routingText();
  }
}
