package dev.switchboard.text.parser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChatOutputSplitterTest {

  @Test
  void toolMarkupInsideReasoningIsReasoningNotACall() {
    ChatOutputSplitter splitter = new ChatOutputSplitter(ReasoningParsers.create("qwen3"), ToolParsers.create("qwen"));

    ChatDelta first = splitter.push("<think>maybe <tool_call>{\"name\": \"x\"}</tool_call>");
    assertThat(splitter.inReasoning()).isTrue();
    ChatDelta second = splitter.push("</think>done");
    ChatDelta end = splitter.finish();

    assertThat(first).isEqualTo(new ChatDelta("maybe <tool_call>{\"name\": \"x\"}</tool_call>", "", List.of()));
    assertThat(second).isEqualTo(new ChatDelta("", "done", List.of()));
    assertThat(end).isEqualTo(ChatDelta.EMPTY);
  }

  @Test
  void textHeldByTheReasoningParserReachesTheToolParserAtTheEnd() {
    ChatOutputSplitter splitter = new ChatOutputSplitter(ReasoningParsers.create("qwen3"), ToolParsers.create("json"));

    assertThat(splitter.push("  <thi")).isEqualTo(ChatDelta.EMPTY);
    ChatDelta end = splitter.finish();

    assertThat(end).isEqualTo(new ChatDelta("", "  <thi", List.of()));
  }

  @Test
  void passthroughPartsLeaveTextAlone() {
    ChatOutputSplitter splitter = new ChatOutputSplitter(new PassthroughReasoningParser(), new PassthroughToolParser());

    assertThat(splitter.push("<think>x</think>")).isEqualTo(new ChatDelta("", "<think>x</think>", List.of()));
    assertThat(splitter.finish()).isEqualTo(ChatDelta.EMPTY);
  }
}
