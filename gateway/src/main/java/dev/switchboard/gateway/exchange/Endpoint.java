package dev.switchboard.gateway.exchange;

/**
 * The inference endpoints a client can call: the path sent upstream, the request-id prefix, and what each supports —
 * data here, so routers and the router choice read it instead of testing endpoints one by one.
 */
public enum Endpoint {
  CHAT("/v1/chat/completions", "chatcmpl-", true, true, "messages"),
  COMPLETIONS("/v1/completions", "cmpl-", true, true, "prompt"),
  GENERATE("/generate", "gnt-", true, true, "text", "input_ids"),
  EMBEDDINGS("/v1/embeddings", "embd-", false, true, "input"),
  RERANK("/v1/rerank", "rerank-", true, false, "query"),
  RESPONSES("/v1/responses", "resp-", false, false, "instructions", "input");

  private final String path;
  private final String idPrefix;
  private final boolean pdCapable;
  private final boolean grpcCapable;
  private final String[] routingTextFields;

  Endpoint(String path, String idPrefix, boolean pdCapable, boolean grpcCapable, String... routingTextFields) {
    this.path = path;
    this.idPrefix = idPrefix;
    this.pdCapable = pdCapable;
    this.grpcCapable = grpcCapable;
    this.routingTextFields = routingTextFields;
  }

  /** The path on the worker (also the client path, except {@code /rerank} which maps here too). */
  public String path() { return path; }

  public String idPrefix() { return idPrefix; }

  /** Whether prefill/decode pairs can serve it (embeddings and responses need a regular worker). */
  public boolean pdCapable() { return pdCapable; }

  /** Whether the gRPC routers implement it (they own the text, so only what they can render and answer). */
  public boolean grpcCapable() { return grpcCapable; }

  /** The top-level body fields the routing text is read from, in order (prefix-aware policies match on it). */
  String[] routingTextFields() { return routingTextFields; }

  /** Index of {@code field} in {@link #routingTextFields()}, or -1. */
  int routingTextIndex(String field) {
    for (int i = 0; i < routingTextFields.length; i++) if (routingTextFields[i].equals(field)) return i;
    return -1;
  }
}
