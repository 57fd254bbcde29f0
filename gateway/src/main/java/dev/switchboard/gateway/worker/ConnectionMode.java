package dev.switchboard.gateway.worker;

import java.util.Locale;

/** How the gateway talks to a worker: OpenAI/SGLang HTTP, or SGLang's gRPC scheduler protocol. */
public enum ConnectionMode {
  HTTP, GRPC;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a wire name; returns {@code null} for anything else. */
  public static ConnectionMode fromWire(String s) {
    for (ConnectionMode m : values()) {
      if (m.wireName().equals(s)) return m;
    }
    return null;
  }

  /** The connection a URL scheme implies, or {@code null} when the scheme names none we know. */
  public static ConnectionMode ofScheme(String scheme) {
    if (scheme == null) return null;
    return switch (scheme.toLowerCase(Locale.ROOT)) {
      case "http", "https" -> HTTP;
      case "grpc", "grpcs" -> GRPC;
      default -> null;
    };
  }
}
