package dev.switchboard.gateway.metrics;

import dev.switchboard.gateway.exchange.Endpoint;
import dev.switchboard.gateway.exchange.ExchangeObserver;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.WorkerType;
import io.vertx.core.buffer.Buffer;

/**
 * What one request did, gathered as it happens: who it was for, where it went, when its response's bytes left, and
 * its token usage. Read once when the request ends (metrics, access log, the tenant's token budget). All calls come
 * from the request's event loop.
 */
public final class RequestTimer implements ExchangeObserver {
  /** The routing-context key of the request's timer. */
  public static final String KEY = "switchboard.requestTimer";
  public static final String NO_ROUTER = "none";

  private final Endpoint endpoint;
  private final long startNanos = System.nanoTime();
  private final long startMillis = System.currentTimeMillis();
  private String tenant;
  private String model;
  private String router = NO_ROUTER;
  private boolean stream;
  private Worker worker;
  private Worker prefillWorker;
  private int attempts;
  private long firstByteNanos = -1;
  private long lastByteNanos = -1;
  private UsageScanner scanner;
  private Usage reported;

  public RequestTimer(Endpoint endpoint, String tenant) {
    this.endpoint = endpoint;
    this.tenant = tenant;
  }

  public void tenant(String name) { this.tenant = name; }
  /** The model the client asked for, unchecked (metrics label it "unknown" unless the registry serves it). */
  public void model(String name) { this.model = name; }
  public void router(String wireName) { this.router = wireName; }
  public void stream(boolean streamed) { this.stream = streamed; }

  @Override
  public void attempt(Worker w) {
    attempts++;
    if (w.type() == WorkerType.PREFILL) prefillWorker = w;
    else worker = w;
  }

  @Override
  public void body(Buffer chunk) {
    long now = System.nanoTime();
    if (firstByteNanos < 0) firstByteNanos = now;
    lastByteNanos = now;
    if (reported == null) {
      if (scanner == null) scanner = new UsageScanner();
      scanner.feed(chunk);
    }
  }

  @Override
  public void usage(long promptTokens, long completionTokens) {
    reported = new Usage(promptTokens, completionTokens);
  }

  public Endpoint endpoint() { return endpoint; }
  public String tenant() { return tenant; }
  public String model() { return model; }
  public String router() { return router; }
  public boolean stream() { return stream; }
  public Worker worker() { return worker; }
  public Worker prefillWorker() { return prefillWorker; }
  public int attempts() { return attempts; }
  public long startNanos() { return startNanos; }
  public long startMillis() { return startMillis; }

  /** Seconds from the request's arrival to the first byte of its response body, or -1 when none was sent. */
  public double timeToFirstByte() {
    return firstByteNanos < 0 ? -1 : (firstByteNanos - startNanos) / 1e9;
  }

  /**
   * The mean gap between output tokens of a stream: first to last body chunk over (output tokens − 1); -1 when
   * unknown (not streamed, fewer than two tokens, no usage).
   */
  public double timeBetweenTokens(Usage usage) {
    if (!stream || usage == null || usage.completionTokens() < 2 || firstByteNanos < 0) return -1;
    return (lastByteNanos - firstByteNanos) / 1e9 / (usage.completionTokens() - 1);
  }

  private Usage usage;
  private boolean usageRead;

  /** The usage the gateway counted (gRPC) or found at the end of the worker's body; {@code null} when none. */
  public Usage usage() {
    if (!usageRead) {
      usageRead = true;
      usage = reported != null ? reported : scanner == null ? null : scanner.usage();
    }
    return usage;
  }
}
