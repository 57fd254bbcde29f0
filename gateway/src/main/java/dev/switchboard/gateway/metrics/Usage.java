package dev.switchboard.gateway.metrics;

/** Tokens one request consumed, as the worker (or, for gRPC, the gateway's own count) reported them. */
public record Usage(long promptTokens, long completionTokens) {
  public long total() {
    return promptTokens + completionTokens;
  }
}
