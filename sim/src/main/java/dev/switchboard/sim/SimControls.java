package dev.switchboard.sim;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runtime fault switches of one simulated worker, for reliability tests. Thread-safe; changes apply to requests
 * that arrive afterwards (the stream gate also to streams already held).
 */
public final class SimControls {

  private volatile boolean healthy = true;
  private volatile double errorRate;
  private volatile int errorStatus = 500;
  private final AtomicInteger failNext = new AtomicInteger();
  private volatile int failNextStatus = 500;
  private volatile boolean hang;
  private volatile boolean dropMidStream;
  private volatile Duration slowStart = Duration.ZERO;
  private volatile boolean holdStreams;
  private volatile int stallAfterEvents = -1;
  private volatile int dieInsideEvent = -1;
  private volatile boolean hangAfterHeaders;
  private volatile Duration retryAfter;
  private volatile long flapUpNanos;
  private volatile long flapDownNanos;
  private volatile long flapStartNanos;
  private volatile dev.switchboard.sim.engine.SimScript script;
  private final SplittableRandom errorDraws;
  private final Runnable releaser;

  SimControls(long seed, Runnable releaser) {
    this.errorDraws = new SplittableRandom(seed ^ 0x5DEECE66DL);
    this.releaser = releaser;
  }

  /** When false, /health and /health_generate (and the gRPC HealthCheck) report unhealthy (503). */
  public SimControls healthy(boolean value) { healthy = value; return this; }

  /** Share (0.0–1.0) of inference requests answered with {@code status}; draws are deterministic per seed. */
  public SimControls errorRate(double rate, int status) {
    if (rate < 0.0 || rate > 1.0) {
      throw new IllegalArgumentException("rate must be in [0, 1]");
    }
    errorStatus = status;
    errorRate = rate;
    return this;
  }

  /** The next {@code count} inference requests are answered with {@code status}. */
  public SimControls failNext(int count, int status) {
    failNextStatus = status;
    failNext.set(count);
    return this;
  }

  /** When true, inference requests are accepted and never answered. */
  public SimControls hang(boolean value) { hang = value; return this; }

  /** When true, a streaming answer closes the connection right after its first event. */
  public SimControls dropMidStream(boolean value) { dropMidStream = value; return this; }

  /** Delay before an inference request is processed (and so before response headers). */
  public SimControls slowStart(Duration delay) { slowStart = delay == null ? Duration.ZERO : delay; return this; }

  /**
   * When true, every stream that starts afterwards stops after its first event until {@link #releaseStreams()}:
   * a test can observe the first event while the worker has provably not finished.
   */
  public SimControls holdStreamsAfterFirstEvent(boolean value) { holdStreams = value; return this; }

  /** Lets every held stream continue (the gate stays set for streams that start later). */
  public SimControls releaseStreams() {
    releaser.run();
    return this;
  }

  /**
   * Requests that start afterwards answer exactly this text (each whitespace-led word one token) and then stop,
   * instead of generated words. On a gRPC worker the text is encoded with its tokenizer (one is required).
   */
  public SimControls scriptOutput(String text) {
    script = dev.switchboard.sim.engine.SimScript.ofText(text);
    return this;
  }

  /** gRPC workers: requests that start afterwards answer exactly these token ids and then the EOS id. */
  public SimControls scriptTokens(int... tokenIds) {
    script = dev.switchboard.sim.engine.SimScript.ofTokens(tokenIds);
    return this;
  }

  /** Back to generated output. */
  public SimControls clearScript() {
    script = null;
    return this;
  }

  /** The current script, or null. */
  public dev.switchboard.sim.engine.SimScript script() {
    return script;
  }

  /**
   * Streams that start afterwards stop after {@code events} events (0: before the first) and never end, while the
   * connection stays open and /health stays 200 — a llama.cpp server after SIGTERM. Non-streaming requests are
   * never answered. -1 turns it off.
   */
  public SimControls stallAfterEvents(int events) { stallAfterEvents = events; return this; }

  /**
   * Streams that start afterwards write {@code events} whole events, then half of the next one, then the
   * connection closes (gRPC: the stream fails after {@code events} chunks). -1 turns it off.
   */
  public SimControls dieInsideEvent(int events) { dieInsideEvent = events; return this; }

  /** When true, inference requests get their status line and headers (200) and then nothing: no first byte. */
  public SimControls hangAfterHeaders(boolean value) { hangAfterHeaders = value; return this; }

  /** A {@code Retry-After} (whole seconds) on injected error answers (failNext, errorRate); null for none. */
  public SimControls retryAfter(Duration value) { retryAfter = value; return this; }

  /**
   * Flapping: from now on the worker alternates {@code up} of normal service with {@code down} in which /health
   * answers 503 and inference connections are closed unanswered (gRPC: UNAVAILABLE). Null or zero stops it.
   */
  public SimControls flap(Duration up, Duration down) {
    if (up == null || down == null || up.isZero() || down.isZero()) {
      flapUpNanos = 0;
      flapDownNanos = 0;
      return this;
    }
    flapStartNanos = System.nanoTime();
    flapDownNanos = down.toNanos();
    flapUpNanos = up.toNanos();
    return this;
  }

  /** Whether the worker is in a "down" phase of flapping now. */
  public boolean isFlappedDown() {
    long up = flapUpNanos;
    long down = flapDownNanos;
    if (up == 0 || down == 0) return false;
    return Math.floorMod(System.nanoTime() - flapStartNanos, up + down) >= up;
  }

  public int stallAfterEvents() { return stallAfterEvents; }
  public int dieInsideEvent() { return dieInsideEvent; }
  public boolean isHangAfterHeaders() { return hangAfterHeaders; }
  /** The Retry-After of injected errors, or null. */
  public Duration retryAfter() { return retryAfter; }

  /** Back to a healthy worker without faults. */
  public SimControls reset() {
    healthy = true;
    errorRate = 0.0;
    failNext.set(0);
    hang = false;
    dropMidStream = false;
    slowStart = Duration.ZERO;
    script = null;
    stallAfterEvents = -1;
    dieInsideEvent = -1;
    hangAfterHeaders = false;
    retryAfter = null;
    flapUpNanos = 0;
    flapDownNanos = 0;
    if (holdStreams) {
      holdStreams = false;
      releaser.run();
    }
    return this;
  }

  /** What /health says: the healthy switch, and not in a flapping "down" phase. */
  public boolean isHealthy() { return healthy && !isFlappedDown(); }
  public boolean isHang() { return hang; }
  public boolean isDropMidStream() { return dropMidStream; }
  public Duration slowStart() { return slowStart; }
  public boolean isHoldingStreams() { return holdStreams; }

  /** The status an injected fault assigns to the next inference request, or 0 for none. */
  public int drawFault() {
    int pending = failNext.getAndUpdate(n -> n > 0 ? n - 1 : 0);
    if (pending > 0) {
      return failNextStatus;
    }
    double rate = errorRate;
    if (rate > 0.0) {
      double draw;
      synchronized (errorDraws) {
        draw = errorDraws.nextDouble();
      }
      if (draw < rate) {
        return errorStatus;
      }
    }
    return 0;
  }
}
