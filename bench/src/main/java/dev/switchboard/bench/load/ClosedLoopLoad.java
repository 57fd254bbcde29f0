package dev.switchboard.bench.load;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop HTTP load driver: {@code connections} keep-alive connections, each sending the next request as soon
 * as the previous response has been read to its last byte. It runs on its own Vert.x instance with one event loop,
 * so it takes at most one core away from the system under test.
 */
public final class ClosedLoopLoad implements HttpLoad {
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true));

  @Override
  public LoadStats run(int port, String path, byte[] body, java.util.Map<String, String> headers, int connections,
      Duration warmup, Duration duration) throws InterruptedException {
    return LoadStats.of(run("127.0.0.1", port, path, Buffer.buffer(body), headers, connections, warmup, duration));
  }

  @Override
  public String describe() {
    return "ClosedLoopLoad (Vert.x client, 1 event loop)";
  }

  /** Runs {@code warmup} unmeasured, then {@code duration} measured; returns the measured part. */
  public LoadResult run(String host, int port, String path, Buffer body, int connections, Duration warmup, Duration duration)
      throws InterruptedException {
    return run(host, port, path, body, java.util.Map.of(), connections, warmup, duration);
  }

  private LoadResult run(String host, int port, String path, Buffer body, java.util.Map<String, String> headers,
      int connections, Duration warmup, Duration duration) throws InterruptedException {
    HttpClientAgent client = vertx.createHttpClient(
        new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setPipelining(false),
        new PoolOptions().setHttp1MaxSize(connections));
    try {
      if (!warmup.isZero()) drive(client, host, port, path, body, headers, connections, warmup, false);
      return drive(client, host, port, path, body, headers, connections, duration, true);
    } finally {
      client.close();
    }
  }

  private LoadResult drive(HttpClientAgent client, String host, int port, String path, Buffer body,
      java.util.Map<String, String> headers, int connections, Duration duration, boolean record) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + duration.toNanos();
    AtomicLong requests = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    LatencyLog log = new LatencyLog(record ? 1 << 20 : 0);
    CountDownLatch done = new CountDownLatch(connections);
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port).setURI(path)
        .putHeader("content-type", "application/json");
    headers.forEach(options::putHeader);
    for (int i = 0; i < connections; i++) {
      vertx.runOnContext(v -> loop(client, options, body, deadline, requests, errors, log, done));
    }
    done.await(duration.toSeconds() + 60, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - start) / 1e9;
    return new LoadResult(requests.get(), errors.get(), seconds, log.toArray());
  }

  private void loop(HttpClientAgent client, RequestOptions options, Buffer body, long deadline, AtomicLong requests,
      AtomicLong errors, LatencyLog log, CountDownLatch done) {
    if (System.nanoTime() >= deadline) {
      done.countDown();
      return;
    }
    long t0 = System.nanoTime();
    client.request(options)
        .compose((HttpClientRequest r) -> r.send(body))
        .compose(resp -> resp.body().map(b -> resp.statusCode()))
        .onComplete(ar -> {
          if (ar.succeeded() && ar.result() == 200) {
            requests.incrementAndGet();
            log.add((System.nanoTime() - t0) / 1_000);
          } else {
            errors.incrementAndGet();
          }
          loop(client, options, body, deadline, requests, errors, log, done);
        });
  }

  @Override
  public void close() {
    vertx.close().await();
  }

  /** Latencies of the measured phase; only the driver's single event loop writes it. */
  private static final class LatencyLog {
    private long[] values;
    private int size;

    LatencyLog(int capacity) {
      values = new long[capacity];
    }

    void add(long micros) {
      if (values.length == 0) return;
      if (size == values.length) values = java.util.Arrays.copyOf(values, size * 2);
      values[size++] = micros;
    }

    long[] toArray() {
      return java.util.Arrays.copyOf(values, size);
    }
  }
}
