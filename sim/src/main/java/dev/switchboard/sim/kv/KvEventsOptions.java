package dev.switchboard.sim.kv;

import java.util.Objects;

/**
 * How a simulated worker publishes its KV events.
 *
 * @param host        address the PUB and replay sockets bind (usually the worker's host)
 * @param port        PUB port; 0 picks a free one
 * @param replayPort  ROUTER (replay) port; 0 picks a free one, -1 means no replay socket
 * @param topic       the first frame of every message
 * @param dialect     vLLM's or SGLang's payload details
 * @param replayBuffer how many recent messages the replay socket can resend (vLLM's default: 10,000)
 */
public record KvEventsOptions(String host, int port, int replayPort, String topic, KvDialect dialect, int replayBuffer) {
  public KvEventsOptions {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(dialect, "dialect");
    if (replayBuffer < 1) {
      throw new IllegalArgumentException("replayBuffer must be >= 1");
    }
  }

  /** Loopback, free ports, empty topic, a replay socket with 10,000 messages. */
  public static KvEventsOptions of(KvDialect dialect) {
    return new KvEventsOptions("127.0.0.1", 0, 0, "", dialect, 10_000);
  }

  public KvEventsOptions withTopic(String t) {
    return new KvEventsOptions(host, port, replayPort, t, dialect, replayBuffer);
  }

  public KvEventsOptions withoutReplay() {
    return new KvEventsOptions(host, port, -1, topic, dialect, replayBuffer);
  }

  public KvEventsOptions withReplayBuffer(int n) {
    return new KvEventsOptions(host, port, replayPort, topic, dialect, n);
  }

  public KvEventsOptions withHost(String h) {
    return new KvEventsOptions(h, port, replayPort, topic, dialect, replayBuffer);
  }

  public KvEventsOptions withPorts(int pub, int replay) {
    return new KvEventsOptions(host, pub, replay, topic, dialect, replayBuffer);
  }
}
