package dev.switchboard.gateway.router.grpc;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.exchange.Exchange;
import dev.switchboard.protocol.scheduler.GenerateStreamChunk;
import dev.switchboard.protocol.scheduler.OutputLogProbs;

/** {@code /v1/completions}: {@code text_completion} bodies and events. */
final class CompletionWriter extends OutputWriter {

  CompletionWriter(Exchange exchange, Plan plan, ModelText text, String id) {
    super(exchange, plan, text, id);
  }

  @Override
  void streamDelta(Choice c, String delta, int[] ids, OutputLogProbs logprobs, GenerateStreamChunk chunk) {
    String t = !c.roleSent && plan.echoPrompt() ? plan.routingText() + delta : delta;
    if (t.isEmpty()) return;
    c.roleSent = true;
    sse(event(c, t, null));
  }

  @Override
  void streamEnd(Choice c, String tail) {
    String t = !c.roleSent && plan.echoPrompt() ? plan.routingText() + tail : tail;
    c.roleSent = true;
    sse(event(c, t, c));
  }

  private ObjectNode event(Choice c, String t, Choice finished) {
    ObjectNode e = head();
    ObjectNode choice = ((ArrayNode) e.get("choices")).addObject();
    choice.put("index", c.index);
    choice.put("text", t);
    choice.putNull("logprobs");
    if (finished == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finished.finishReason());
      putMatchedStop(choice, finished);
    }
    return e;
  }

  private ObjectNode head() {
    return envelope("text_completion");
  }

  @Override
  void finish() {
    if (plan.stream()) {
      if (plan.includeUsage()) {
        ObjectNode e = head();
        e.set("usage", usage());
        sse(e);
      }
      endStream();
      return;
    }
    ObjectNode body = head();
    ArrayNode out = (ArrayNode) body.get("choices");
    for (Choice c : choices) {
      ObjectNode choice = out.addObject();
      choice.put("index", c.index);
      choice.put("text", plan.echoPrompt() ? plan.routingText() + c.text : c.text.toString());
      choice.putNull("logprobs");
      choice.put("finish_reason", c.finishReason());
      putMatchedStop(choice, c);
    }
    body.set("usage", usage());
    json(body);
  }
}
