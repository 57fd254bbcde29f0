package dev.switchboard.gateway.worker;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One model server as the gateway sees it: its declared shape plus live state (health, in-flight load).
 * Identity is the URL (with model, type and connection it never changes); priority, cost, labels, api key and
 * bootstrap port may be changed in place ({@link WorkerRegistry#update}). Live state is updated with atomics and
 * volatiles so request threads never lock.
 */
public final class Worker {
  private volatile WorkerSpec spec;
  private final String host;
  private final int port;
  private final boolean tls;
  private final String basePath;
  private final String id;
  private final CircuitBreaker breaker;

  private volatile boolean healthy;
  private volatile boolean everChecked;
  /** No new requests while draining; in-flight ones finish. */
  private volatile boolean draining;
  /** Completed when the worker is draining and has nothing in flight; created by {@link #startDrain}. */
  private volatile CompletableFuture<Void> idle;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final LongAdder processed = new LongAdder();
  /** Load reported by the worker itself ({@code /get_load}), or -1 when unknown. */
  private volatile long reportedLoad = -1;
  /** The gateway's own in-flight count when {@link #reportedLoad} arrived. */
  private volatile int inFlightAtReport;
  private volatile double reportedKvUsage = -1;

  public Worker(WorkerSpec spec) {
    this.spec = spec;
    URI uri = URI.create(spec.url());
    this.host = uri.getHost();
    this.tls = "https".equalsIgnoreCase(uri.getScheme()) || "grpcs".equalsIgnoreCase(uri.getScheme());
    this.port = uri.getPort() > 0 ? uri.getPort() : (tls ? 443 : 80);
    String path = uri.getRawPath();
    this.basePath = path == null || path.equals("/") ? "" : stripTrailingSlash(path);
    this.id = idOf(spec.url());
    this.breaker = new CircuitBreaker(spec.url());
  }

  /** A worker's id in the admin API and on the console: 16 hex digits of the URL's SHA-256, stable across restarts. */
  public static String idOf(String url) {
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(url.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(d, 0, 8);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String stripTrailingSlash(String p) {
    return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }

  public String id() { return id; }
  public WorkerSpec spec() { return spec; }
  public String url() { return spec.url(); }
  public String model() { return spec.model(); }
  public WorkerType type() { return spec.type(); }
  public ConnectionMode connection() { return spec.connection(); }
  public int priority() { return spec.priority(); }
  public double cost() { return spec.cost(); }
  public String apiKey() { return spec.apiKey(); }
  public Map<String, String> labels() { return spec.labels(); }

  /** Host as written in the URL; an IPv6 literal keeps its brackets (what PD bootstrap needs). */
  public String host() { return host; }
  public int port() { return port; }
  public boolean tls() { return tls; }
  /** Path prefix of the URL without trailing slash ("" for none); endpoint paths are appended to it. */
  public String basePath() { return basePath; }
  public Integer bootstrapPort() { return spec.bootstrapPort(); }

  public boolean isHealthy() { return healthy; }

  /** Whether at least one health check has completed for this worker. */
  public boolean everChecked() { return everChecked; }

  /** Whether a request may be sent to this worker now: healthy, not draining, and its circuit breaker allows. */
  public boolean isAvailable() { return healthy && !draining && breaker.allows(); }

  /** Passive outlier detection from request outcomes (see {@link CircuitBreaker#FEED}). */
  public CircuitBreaker breaker() { return breaker; }

  /** Whether the worker takes no new requests (being drained, or drained by an operator). */
  public boolean draining() { return draining; }

  /** Replaces the changeable part of the spec; the registry checks that the identity fields are unchanged. */
  void respec(WorkerSpec next) {
    this.spec = next;
  }

  /**
   * Stops new requests and returns a future completed once nothing is in flight. Idempotent while draining.
   */
  synchronized CompletableFuture<Void> startDrain() {
    draining = true;
    CompletableFuture<Void> f = idle;
    if (f == null || f.isDone() && inFlight.get() > 0) {
      f = new CompletableFuture<>();
      idle = f;
    }
    if (inFlight.get() == 0) f.complete(null);
    return f;
  }

  /** Takes requests again (an operator undid a drain). */
  synchronized void stopDrain() {
    draining = false;
  }

  /** Health is owned by the health checker; returns whether the state changed. */
  boolean setHealthy(boolean value) {
    everChecked = true;
    boolean old = healthy;
    healthy = value;
    return old != value;
  }

  /** Requests the gateway has in flight on this worker. */
  public int inFlight() { return inFlight.get(); }

  /** Counts one request in flight until the lease is released; releasing twice is harmless. */
  public Lease lease() {
    inFlight.incrementAndGet();
    processed.increment();
    breaker.dispatched();
    return new Lease();
  }

  public long processed() { return processed.sum(); }

  /** One request's hold on this worker's load counter. */
  public final class Lease {
    private final AtomicBoolean released = new AtomicBoolean();

    private Lease() {}

    public Worker worker() { return Worker.this; }

    public void release() {
      if (released.compareAndSet(false, true) && inFlight.decrementAndGet() == 0 && draining) {
        CompletableFuture<Void> f = idle;
        if (f != null) f.complete(null);
      }
    }
  }

  /** Requests the worker said it was running or queueing at the last load poll, or -1 when unknown. */
  public long reportedLoad() { return reportedLoad; }

  /** Records a load report (-1 = unknown) together with the gateway's own in-flight count at that moment. */
  public void reportedLoad(long load) {
    this.inFlightAtReport = inFlight.get();
    this.reportedLoad = load;
  }

  /** The KV-cache usage (0..1) the worker last reported (vLLM's {@code vllm:kv_cache_usage_perc}), or -1. */
  public double reportedKvUsage() { return reportedKvUsage; }

  public void reportedKvUsage(double usage) { this.reportedKvUsage = usage; }

  /** The gateway's own in-flight count when the last load report arrived. */
  public int inFlightAtReport() { return inFlightAtReport; }

  @Override
  public String toString() {
    return "Worker[" + spec.url() + " " + spec.model() + " " + spec.type().wireName() + "/" + spec.connection().wireName() + "]";
  }
}
