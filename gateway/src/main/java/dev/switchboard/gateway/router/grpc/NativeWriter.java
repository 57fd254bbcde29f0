package dev.switchboard.gateway.router.grpc;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.exchange.Exchange;
import dev.switchboard.protocol.scheduler.GenerateStreamChunk;
import dev.switchboard.protocol.scheduler.InputLogProbs;
import dev.switchboard.protocol.scheduler.OutputLogProbs;

/** {@code /generate} in SGLang's native shape: {@code text}, {@code output_ids}, {@code meta_info}. */
final class NativeWriter extends OutputWriter {
  private final long startNanos = System.nanoTime();
  private final int[] streamedTokens;

  NativeWriter(Exchange exchange, Plan plan, ModelText text, String id) {
    super(exchange, plan, text, id);
    this.streamedTokens = new int[plan.n()];
  }

  @Override
  void streamDelta(Choice c, String delta, int[] ids, OutputLogProbs logprobs, GenerateStreamChunk chunk) {
    streamedTokens[c.index] = Math.max(streamedTokens[c.index] + ids.length, chunk.getCompletionTokens());
    ObjectNode e = NODES.objectNode();
    e.put("text", c.text.toString());
    ArrayNode out = e.putArray("output_ids");
    for (int id : ids) out.add(id);
    ObjectNode meta = e.putObject("meta_info");
    meta.put("id", id + "-" + c.index);
    meta.putNull("finish_reason");
    meta.put("prompt_tokens", chunk.getPromptTokens() > 0 ? chunk.getPromptTokens() : plan.promptTokens());
    meta.put("weight_version", fingerprint);
    meta.put("completion_tokens", streamedTokens[c.index]);
    meta.put("cached_tokens", chunk.getCachedTokens());
    sse(e);
  }

  @Override
  void streamEnd(Choice c, String tail) {
    // The final event is written in finish(), once PD input logprobs (if any) are known.
  }

  @Override
  void finish() {
    if (plan.stream()) {
      for (Choice c : choices) {
        ObjectNode e = item(c);
        ((ArrayNode) e.get("output_ids")).removeAll();
        sse(e);
      }
      endStream();
      return;
    }
    if (choices.length == 1) {
      json(item(choices[0]));
      return;
    }
    ArrayNode all = NODES.arrayNode();
    for (Choice c : choices) all.add(item(c));
    if (exchange.finished()) return;
    exchange.response().setStatusCode(200).putHeader("content-type", "application/json")
        .end(io.vertx.core.buffer.Buffer.buffer(all.toString()));
  }

  private ObjectNode item(Choice c) {
    ObjectNode e = NODES.objectNode();
    e.put("text", c.text.toString());
    ArrayNode out = e.putArray("output_ids");
    if (c.complete != null) for (int id : c.complete.getOutputIdsList()) out.add(id);
    ObjectNode meta = e.putObject("meta_info");
    meta.put("id", id + (choices.length > 1 ? "-" + c.index : ""));
    ObjectNode reason = meta.putObject("finish_reason");
    String r = c.finishReason();
    reason.put("type", r);
    Object matched = c.matchedStop();
    if ("length".equals(r) && c.complete != null) reason.put("length", c.complete.getCompletionTokens());
    else if (matched instanceof Integer i) reason.put("matched", i);
    else if (matched instanceof String s) reason.put("matched", s);
    meta.put("prompt_tokens", c.complete != null && c.complete.getPromptTokens() > 0 ? c.complete.getPromptTokens() : plan.promptTokens());
    meta.put("weight_version", fingerprint);
    meta.put("completion_tokens", c.complete == null ? 0 : c.complete.getCompletionTokens());
    meta.put("cached_tokens", c.complete == null ? 0 : c.complete.getCachedTokens());
    meta.put("e2e_latency", (System.nanoTime() - startNanos) / 1e9);
    if (plan.logprobs()) {
      if (c.complete != null && c.complete.hasOutputLogprobs()) {
        OutputLogProbs lp = c.complete.getOutputLogprobs();
        ArrayNode arr = meta.putArray("output_token_logprobs");
        for (int i = 0; i < lp.getTokenLogprobsCount(); i++) {
          arr.addArray().add(lp.getTokenLogprobs(i)).add(i < lp.getTokenIdsCount() ? lp.getTokenIds(i) : -1).addNull();
        }
      }
      if (inputLogprobs != null) {
        InputLogProbs in = inputLogprobs;
        ArrayNode arr = meta.putArray("input_token_logprobs");
        for (int i = 0; i < in.getTokenLogprobsCount(); i++) {
          ArrayNode row = arr.addArray();
          if (in.getTokenLogprobs(i).hasValue()) row.add(in.getTokenLogprobs(i).getValue());
          else row.addNull();
          row.add(i < in.getTokenIdsCount() ? in.getTokenIds(i) : -1).addNull();
        }
      }
    }
    return e;
  }
}
