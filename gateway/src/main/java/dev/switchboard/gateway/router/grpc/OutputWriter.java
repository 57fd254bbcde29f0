package dev.switchboard.gateway.router.grpc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.exchange.Exchange;
import dev.switchboard.protocol.scheduler.GenerateComplete;
import dev.switchboard.protocol.scheduler.GenerateStreamChunk;
import dev.switchboard.protocol.scheduler.InputLogProbs;
import dev.switchboard.protocol.scheduler.OutputLogProbs;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Turns the worker's messages for one request into the client's response format. Subclasses write one endpoint's
 * shape; this class owns the choices, SSE framing and the JSON helpers. Called on the request's event loop only.
 */
abstract class OutputWriter {
  static final ObjectMapper JSON = new ObjectMapper();
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");
  private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EVENT_END = "\n\n".getBytes(StandardCharsets.US_ASCII);

  protected final Exchange exchange;
  protected final Plan plan;
  protected final ModelText text;
  protected final Choice[] choices;
  protected final String id;
  protected final long created = System.currentTimeMillis() / 1000;
  protected String fingerprint = "default";
  protected InputLogProbs inputLogprobs;
  private int completed;
  /** SSE events not yet written: events of one burst of worker messages go out in one write. */
  private Buffer pending;

  OutputWriter(Exchange exchange, Plan plan, ModelText text, String id) {
    this.exchange = exchange;
    this.plan = plan;
    this.text = text;
    this.id = id;
    this.choices = new Choice[plan.n()];
    for (int i = 0; i < choices.length; i++) choices[i] = new Choice(i, text, plan);
  }

  static OutputWriter create(Exchange exchange, Plan plan, ModelText text, String id) {
    return switch (plan.endpoint()) {
      case CHAT -> new ChatWriter(exchange, plan, text, id);
      case COMPLETIONS -> new CompletionWriter(exchange, plan, text, id);
      default -> new NativeWriter(exchange, plan, text, id);
    };
  }

  void fingerprint(String weightVersion) {
    if (weightVersion != null && !weightVersion.isEmpty()) fingerprint = weightVersion;
  }

  /** Input logprobs from a PD prefill worker, used when the decode worker sent none. */
  void prefillInputLogprobs(InputLogProbs logprobs) {
    this.inputLogprobs = logprobs;
  }

  boolean allComplete() {
    return completed == choices.length;
  }

  /** Returns false when the index is out of range (a protocol error the caller reports). */
  boolean onChunk(GenerateStreamChunk chunk) {
    Choice c = choice(chunk.getIndex());
    if (c == null) return false;
    if (inputLogprobs == null && chunk.hasInputLogprobs()) inputLogprobs = chunk.getInputLogprobs();
    int[] ids = ids(chunk.getTokenIdsList());
    String delta = c.push(ids);
    if (plan.stream()) streamDelta(c, delta, ids, chunk.hasOutputLogprobs() ? chunk.getOutputLogprobs() : null, chunk);
    return true;
  }

  boolean onComplete(GenerateComplete complete) {
    Choice c = choice(complete.getIndex());
    if (c == null || c.complete != null) return false;
    c.complete = complete;
    completed++;
    if (inputLogprobs == null && complete.hasInputLogprobs()) inputLogprobs = complete.getInputLogprobs();
    // Streams carry the ids in chunks; a worker that streamed none for this choice has them only here.
    if (!plan.stream() || c.tokensSeen == 0) c.push(ids(complete.getOutputIdsList()));
    String tail = c.finish();
    if (plan.stream()) streamEnd(c, tail);
    return true;
  }

  private Choice choice(int index) {
    return index >= 0 && index < choices.length ? choices[index] : null;
  }

  /** Streaming: text that became final for a choice (maybe empty) and the chunk it came from. */
  abstract void streamDelta(Choice c, String delta, int[] ids, OutputLogProbs logprobs, GenerateStreamChunk chunk);

  /** Streaming: the choice is complete; {@code tail} is its held-back text. */
  abstract void streamEnd(Choice c, String tail);

  /** Every choice is complete: write the non-streamed body, or the stream's last events. */
  abstract void finish();

  // ---------------------------------------------------------------- helpers

  /** The fields every OpenAI response object and chunk starts with; {@code choices} is left empty. */
  protected ObjectNode envelope(String object) {
    ObjectNode e = NODES.objectNode();
    e.put("id", id);
    e.put("object", object);
    e.put("created", created);
    e.put("model", plan.model());
    e.put("system_fingerprint", fingerprint);
    e.putArray("choices");
    return e;
  }

  protected void sse(ObjectNode event) {
    HttpServerResponse r = exchange.response();
    if (exchange.finished()) return;
    if (!r.headWritten()) {
      r.setStatusCode(200).setChunked(true)
          .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream")
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
    }
    if (pending == null) pending = Buffer.buffer(512);
    pending.appendBytes(DATA).appendBytes(bytes(event)).appendBytes(EVENT_END);
  }

  /** Writes the events built since the last flush in one write (one syscall for a burst of tokens). */
  void flush() {
    if (pending == null) return;
    Buffer b = pending;
    pending = null;
    if (exchange.finished()) return;
    exchange.observer().body(b);
    exchange.response().write(b);
  }

  protected void endStream() {
    HttpServerResponse r = exchange.response();
    if (exchange.finished()) return;
    if (!r.headWritten()) {
      r.setStatusCode(200).setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream");
    }
    Buffer last = pending == null ? DONE : pending.appendBuffer(DONE);
    pending = null;
    exchange.observer().usage(promptTokens(), completionTokens());
    exchange.observer().body(last);
    r.end(last);
  }

  protected void json(ObjectNode body) {
    if (exchange.finished()) return;
    Buffer b = Buffer.buffer(bytes(body));
    exchange.observer().usage(promptTokens(), completionTokens());
    exchange.observer().body(b);
    exchange.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(b);
  }

  static byte[] bytes(ObjectNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int[] ids(java.util.List<Integer> list) {
    int[] out = new int[list.size()];
    for (int i = 0; i < out.length; i++) out[i] = list.get(i);
    return out;
  }

  protected void putMatchedStop(ObjectNode node, Choice c) {
    Object m = c.matchedStop();
    if (m instanceof Integer i) node.put("matched_stop", i);
    else if (m instanceof String s) node.put("matched_stop", s);
    else node.putNull("matched_stop");
  }

  protected int promptTokens() {
    for (Choice c : choices) {
      if (c.complete != null && c.complete.getPromptTokens() > 0) return c.complete.getPromptTokens();
    }
    return plan.promptTokens();
  }

  protected int completionTokens() {
    int sum = 0;
    for (Choice c : choices) if (c.complete != null) sum += c.complete.getCompletionTokens();
    return sum;
  }

  protected int cachedTokens() {
    int max = 0;
    for (Choice c : choices) if (c.complete != null) max = Math.max(max, c.complete.getCachedTokens());
    return max;
  }

  protected ObjectNode usage() {
    ObjectNode u = NODES.objectNode();
    int p = promptTokens();
    int c = completionTokens();
    u.put("prompt_tokens", p);
    u.put("completion_tokens", c);
    u.put("total_tokens", p + c);
    int cached = cachedTokens();
    if (cached > 0) u.putObject("prompt_tokens_details").put("cached_tokens", cached);
    return u;
  }

  /** OpenAI chat logprobs {@code content} entries for the given output logprobs. */
  protected ArrayNode chatLogprobs(OutputLogProbs lp) {
    ArrayNode content = NODES.arrayNode();
    if (lp == null) return content;
    for (int i = 0; i < lp.getTokenLogprobsCount(); i++) {
      ObjectNode entry = content.addObject();
      int tokenId = i < lp.getTokenIdsCount() ? lp.getTokenIdsList().get(i) : -1;
      tokenEntry(entry, tokenId, lp.getTokenLogprobs(i));
      ArrayNode top = entry.putArray("top_logprobs");
      if (i < lp.getTopLogprobsCount()) {
        var t = lp.getTopLogprobs(i);
        for (int k = 0; k < t.getValuesCount() && k < plan.topLogprobs(); k++) {
          tokenEntry(top.addObject(), k < t.getTokenIdsCount() ? t.getTokenIds(k) : -1, t.getValues(k));
        }
      }
    }
    return content;
  }

  private void tokenEntry(ObjectNode entry, int tokenId, float logprob) {
    String token = tokenId < 0 ? "" : text.tokenizer().decode(new int[] {tokenId}, false);
    entry.put("token", token);
    entry.put("logprob", logprob);
    ArrayNode bytes = entry.putArray("bytes");
    for (byte b : token.getBytes(StandardCharsets.UTF_8)) bytes.add(b & 0xff);
  }
}
