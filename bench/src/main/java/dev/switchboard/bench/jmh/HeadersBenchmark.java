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

  /** The filter as it was before 2026-12-01 (lower-cased every name, split Connection once per header): baseline. */
  @Benchmark
  public MultiMap copyEndToEndBefore() {
    MultiMap to = HeadersMultiMap.httpHeaders();
    String connection = from.get("connection");
    for (java.util.Map.Entry<String, String> e : from) {
      String name = e.getKey().toLowerCase(java.util.Locale.ROOT);
      if (!BEFORE.contains(name) && !namedIn(connection, name)) to.add(e.getKey(), e.getValue());
    }
    return to;
  }

  private static final java.util.Set<String> BEFORE = java.util.Set.of("connection", "keep-alive", "proxy-authenticate",
      "proxy-authorization", "proxy-connection", "te", "trailer", "trailers", "transfer-encoding", "upgrade", "host",
      "content-length", "authorization", "x-request-id", "expect");

  private static boolean namedIn(String connection, String name) {
    if (connection == null) return false;
    for (String token : connection.split(",")) {
      if (token.strip().equalsIgnoreCase(name)) return true;
    }
    return false;
  }
}
