package dev.switchboard.gateway.exchange;

/** The inference endpoints a client can call, with the path sent upstream and the request-id prefix. */
public enum Endpoint {
  CHAT("/v1/chat/completions", "chatcmpl-"),
  COMPLETIONS("/v1/completions", "cmpl-"),
  GENERATE("/generate", "gnt-"),
  EMBEDDINGS("/v1/embeddings", "embd-"),
  RERANK("/v1/rerank", "rerank-"),
  RESPONSES("/v1/responses", "resp-");

  private final String path;
  private final String idPrefix;

  Endpoint(String path, String idPrefix) {
    this.path = path;
    this.idPrefix = idPrefix;
  }

  /** The path on the worker (also the client path, except {@code /rerank} which maps here too). */
  public String path() { return path; }

  public String idPrefix() { return idPrefix; }
}
