package dev.switchboard.bench.jmh;

import dev.switchboard.gateway.exchange.Headers;
import io.vertx.core.MultiMap;
import io.vertx.core.http.impl.headers.HeadersMultiMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The header filter of one hop ({@code Headers.copyEndToEnd}) on what an OpenAI SDK sends (10 headers, two of them
 * hop-by-hop, one named by Connection) into the kind of map Vert.x's client request uses.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class HeadersBenchmark {
  private final MultiMap from = HeadersMultiMap.httpHeaders()
      .add("Host", "gateway:30000")
      .add("User-Agent", "OpenAI/Python 1.54.0")
      .add("Accept", "application/json")
      .add("Content-Type", "application/json")
      .add("Content-Length", "203")
      .add("Authorization", "Bearer sk-secret")
      .add("Connection", "keep-alive, x-hop")
      .add("x-hop", "1")
      .add("X-Stainless-Lang", "python")
      .add("x-request-id", "req-123");

  @Benchmark
  public MultiMap copyEndToEnd() {
    MultiMap to = HeadersMultiMap.httpHeaders();
    Headers.copyEndToEnd(from, to);
    return to;
  }
}
