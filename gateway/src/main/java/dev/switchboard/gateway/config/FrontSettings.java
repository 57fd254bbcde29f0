package dev.switchboard.gateway.config;

import java.time.Duration;

/**
 * {@code front:}: protections of the client side. A request's head must arrive within {@code headerTimeout} of
 * the connection opening (slowloris), its body within {@code bodyTimeout} of the head; a kept-alive connection
 * idle for {@code keepAliveIdle} is closed; at most {@code maxConnections} client connections are open at once
 * (more are closed as they are accepted).
 */
public record FrontSettings(Duration headerTimeout, Duration bodyTimeout, Duration keepAliveIdle, int maxConnections) {
  public static final FrontSettings DEFAULTS = new FrontSettings(Duration.ofSeconds(10), Duration.ofSeconds(60),
      Duration.ofSeconds(60), 20_000);

  public FrontSettings {
    if (headerTimeout.isNegative() || headerTimeout.isZero()) throw new IllegalArgumentException("header_timeout_secs must be > 0");
    if (bodyTimeout.isNegative() || bodyTimeout.isZero()) throw new IllegalArgumentException("body_timeout_secs must be > 0");
    if (keepAliveIdle.isNegative() || keepAliveIdle.isZero()) throw new IllegalArgumentException("keep_alive_idle_secs must be > 0");
    if (maxConnections < 1) throw new IllegalArgumentException("max_connections must be >= 1");
  }
}
