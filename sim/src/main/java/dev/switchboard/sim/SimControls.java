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

  /** Back to a healthy worker without faults. */
  public SimControls reset() {
    healthy = true;
    errorRate = 0.0;
    failNext.set(0);
    hang = false;
    dropMidStream = false;
    slowStart = Duration.ZERO;
    script = null;
    if (holdStreams) {
      holdStreams = false;
      releaser.run();
    }
    return this;
  }

  public boolean isHealthy() { return healthy; }
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
