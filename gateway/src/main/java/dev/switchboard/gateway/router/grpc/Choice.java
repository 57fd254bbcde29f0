package dev.switchboard.gateway.router.grpc;

import dev.switchboard.text.Tokenizer;
import dev.switchboard.text.detok.StopDecoder;
import dev.switchboard.text.detok.StopMatch;
import dev.switchboard.text.parser.ChatDelta;
import dev.switchboard.text.parser.ChatOutputSplitter;
import dev.switchboard.text.parser.ReasoningParsers;
import dev.switchboard.text.parser.ForcedFunctionToolParser;
import dev.switchboard.text.parser.ToolCallIds;
import dev.switchboard.text.parser.ToolParsers;
import dev.switchboard.protocol.scheduler.GenerateComplete;

/**
 * One output sequence ({@code index} of {@code n}): token ids in, final text out through the stop decoder, then
 * (chat) split into reasoning, content and tool calls. Not thread-safe: used on the request's event loop only.
 */
final class Choice {
  final int index;
  private final StopDecoder decoder;
  private final ChatOutputSplitter splitter;

  final StringBuilder text = new StringBuilder();
  boolean roleSent;
  int tokensSeen;
  int toolCalls;
  GenerateComplete complete;

  Choice(int index, ModelText model, Plan plan) {
    this.index = index;
    Tokenizer tokenizer = model.tokenizer();
    this.decoder = new StopDecoder(tokenizer, plan.stop()); // the tokenizer itself: its ranged decode copies nothing
    if (plan.endpoint() == dev.switchboard.gateway.exchange.Endpoint.CHAT) {
            var reasoning = plan.separateReasoning() && !(plan.tools() instanceof ToolMode.Named) && !(plan.tools() instanceof ToolMode.Required)
          ? ReasoningParsers.forModel(model.reasoningParser(), plan.model())
          : ReasoningParsers.create(ReasoningParsers.PASSTHROUGH);
      var tools = switch (plan.tools()) {
        case ToolMode.Parsed p -> ToolParsers.create(p.parser());
        case ToolMode.Required r -> ToolParsers.create(ToolParsers.JSON);
        case ToolMode.Named n -> new ForcedFunctionToolParser(n.name(), ToolCallIds::next);
        case ToolMode.None n -> ToolParsers.create(ToolParsers.PASSTHROUGH);
      };
      this.splitter = new ChatOutputSplitter(reasoning, tools);
    } else {
      this.splitter = null;
    }
  }

  /** Feeds generated ids; returns the text that became final. */
  String push(int[] ids) {
    tokensSeen += ids.length;
    String t = decoder.push(ids);
    text.append(t);
    return t;
  }

  /** Ends the sequence; returns the held-back text. */
  String finish() {
    String t = decoder.finish();
    text.append(t);
    return t;
  }

  /** Splits a final-text delta (chat). */
  ChatDelta split(String delta) {
    return splitter.push(delta);
  }

  ChatDelta splitFinish() {
    return splitter.finish();
  }

  /** finish_reason: the decoder's stop wins over the worker's reason; "tool_calls" when calls were emitted. */
  String finishReason() {
    String reason = decoder.stopped() ? "stop" : complete != null && !complete.getFinishReason().isEmpty() ? complete.getFinishReason() : "stop";
    return toolCalls > 0 && "stop".equals(reason) ? "tool_calls" : reason;
  }

  /** matched_stop: the stop string or token id, from the decoder or the worker; null when the sequence ran out. */
  Object matchedStop() {
    if (decoder.matchedStop().isPresent()) return decoder.matchedStop().map(StopMatch::matchedStop).orElse(null);
    if (complete == null) return null;
    return switch (complete.getMatchedStopCase()) {
      case MATCHED_TOKEN_ID -> complete.getMatchedTokenId();
      case MATCHED_STOP_STR -> complete.getMatchedStopStr();
      default -> null;
    };
  }
}
