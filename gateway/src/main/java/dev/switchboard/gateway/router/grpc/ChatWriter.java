package dev.switchboard.gateway.router.grpc;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.exchange.Exchange;
import dev.switchboard.text.parser.ChatDelta;
import dev.switchboard.text.parser.ToolCall;
import dev.switchboard.text.parser.ToolCallDelta;
import dev.switchboard.text.parser.ToolCallIds;
import dev.switchboard.protocol.scheduler.GenerateStreamChunk;
import dev.switchboard.protocol.scheduler.OutputLogProbs;
import java.util.ArrayList;
import java.util.List;

/** {@code /v1/chat/completions}: {@code chat.completion} bodies and {@code chat.completion.chunk} events. */
final class ChatWriter extends OutputWriter {

  ChatWriter(Exchange exchange, Plan plan, ModelText text, String id) {
    super(exchange, plan, text, id);
  }

  // ---------------------------------------------------------------- streaming

  @Override
  void streamDelta(Choice c, String delta, int[] ids, OutputLogProbs logprobs, GenerateStreamChunk chunk) {
    ChatDelta d = c.split(delta);
    emit(c, d, plan.logprobs() && logprobs != null ? logprobs : null);
  }

  @Override
  void streamEnd(Choice c, String tail) {
    ChatDelta d = c.split(tail);
    emit(c, d, null);
    emit(c, c.splitFinish(), null);
    ObjectNode event = chunk();
    ObjectNode choice = ((ArrayNode) event.get("choices")).addObject();
    choice.put("index", c.index);
    choice.putObject("delta");
    choice.putNull("logprobs");
    choice.put("finish_reason", c.finishReason());
    putMatchedStop(choice, c);
    sse(event);
  }

  private void emit(Choice c, ChatDelta d, OutputLogProbs logprobs) {
    if (d.isEmpty() && logprobs == null) return;
    ObjectNode event = chunk();
    ObjectNode choice = ((ArrayNode) event.get("choices")).addObject();
    choice.put("index", c.index);
    ObjectNode delta = choice.putObject("delta");
    if (!c.roleSent) {
      delta.put("role", "assistant");
      c.roleSent = true;
    }
    if (!d.reasoning().isEmpty()) delta.put("reasoning_content", d.reasoning());
    if (!d.content().isEmpty()) delta.put("content", d.content());
    if (!d.toolCalls().isEmpty()) {
      ArrayNode calls = delta.putArray("tool_calls");
      for (ToolCallDelta t : d.toolCalls()) {
        ObjectNode call = calls.addObject();
        call.put("index", t.index());
        if (t.id() != null) {
          call.put("id", t.id());
          call.put("type", "function");
          c.toolCalls = Math.max(c.toolCalls, t.index() + 1);
        }
        ObjectNode fn = call.putObject("function");
        if (t.name() != null) fn.put("name", t.name());
        fn.put("arguments", t.arguments());
      }
    }
    if (logprobs != null) choice.putObject("logprobs").set("content", chatLogprobs(logprobs));
    else choice.putNull("logprobs");
    choice.putNull("finish_reason");
    sse(event);
  }

  private ObjectNode chunk() {
    return envelope("chat.completion.chunk");
  }

  // ---------------------------------------------------------------- end

  @Override
  void finish() {
    if (plan.stream()) {
      if (plan.includeUsage()) {
        ObjectNode event = chunk();
        event.set("usage", usage());
        sse(event);
      }
      endStream();
      return;
    }
    ObjectNode body = NODES.objectNode();
    body.put("id", id);
    body.put("object", "chat.completion");
    body.put("created", created);
    body.put("model", plan.model());
    body.put("system_fingerprint", fingerprint);
    ArrayNode out = body.putArray("choices");
    for (Choice c : choices) {
      ObjectNode choice = out.addObject();
      choice.put("index", c.index);
      message(choice.putObject("message"), c);
      if (plan.logprobs() && c.complete != null && c.complete.hasOutputLogprobs()) {
        choice.putObject("logprobs").set("content", chatLogprobs(c.complete.getOutputLogprobs()));
      } else {
        choice.putNull("logprobs");
      }
      choice.put("finish_reason", c.finishReason());
      putMatchedStop(choice, c);
    }
    body.set("usage", usage());
    json(body);
  }

  /** The whole output, split with the same parsers the stream uses (one push, then finish). */
  private void message(ObjectNode message, Choice c) {
    message.put("role", "assistant");
    String all = c.text.toString();
    StringBuilder reasoning = new StringBuilder();
    StringBuilder content = new StringBuilder();
    List<String> ids = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<StringBuilder> args = new ArrayList<>();
    for (ChatDelta d : new ChatDelta[] {c.split(all), c.splitFinish()}) {
      reasoning.append(d.reasoning());
      content.append(d.content());
      for (ToolCallDelta t : d.toolCalls()) {
        if (t.index() >= names.size()) {
          ids.add(t.id() != null ? t.id() : ToolCallIds.next());
          names.add(t.name());
          args.add(new StringBuilder());
        }
        args.get(t.index()).append(t.arguments());
      }
    }
    List<ToolCall> calls = new ArrayList<>(names.size());
    for (int i = 0; i < names.size(); i++) calls.add(new ToolCall(names.get(i), args.get(i).toString()));
    c.toolCalls = calls.size();
    String text = content.toString();
    if (calls.isEmpty()) message.put("content", text);
    else if (text.isBlank()) message.putNull("content");
    else message.put("content", text.strip());
    if (!reasoning.isEmpty()) message.put("reasoning_content", reasoning.toString());
    if (!calls.isEmpty()) {
      ArrayNode arr = message.putArray("tool_calls");
      for (int i = 0; i < calls.size(); i++) {
        ObjectNode call = arr.addObject();
        call.put("id", ids.get(i));
        call.put("type", "function");
        ObjectNode fn = call.putObject("function");
        fn.put("name", calls.get(i).name());
        fn.put("arguments", calls.get(i).arguments());
      }
    }
  }
}
