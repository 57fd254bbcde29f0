package dev.switchboard.text.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReasoningParserTest {
  private static final String QWEN3_OUTPUT =
      "<think>\nThe user asks 2+2. That is 4.\n\n</think>\n\nThe answer is **4**.\n";

  private static ReasoningDelta parse(String parser, String text) {
    return ReasoningParsers.create(parser).parse(text);
  }

  @Test
  void qwen3SplitsTheThinkBlockAndTrimsAroundIt() {
    assertThat(parse("qwen3", QWEN3_OUTPUT))
        .isEqualTo(new ReasoningDelta("The user asks 2+2. That is 4.", "The answer is **4**.\n"));
  }

  @Test
  void qwen3WithoutThinkTagsIsAllContent() {
    assertThat(parse("qwen3", "Just an answer.\n")).isEqualTo(new ReasoningDelta("", "Just an answer.\n"));
  }

  @Test
  void qwen3KeepsTextBeforeTheStartTagAsContent() {
    assertThat(parse("qwen3", "Hi <think>hmm</think> there")).isEqualTo(new ReasoningDelta("hmm", "Hi there"));
  }

  @Test
  void deepseekR1StartsInsideReasoning() {
    assertThat(parse("deepseek_r1", "Let me think.\n</think>\n\nDone."))
        .isEqualTo(new ReasoningDelta("Let me think.", "Done."));
  }

  @Test
  void startsInReasoningDropsARepeatedStartTag() {
    assertThat(parse("qwen3_thinking", "\n<think>\nstep 1\n</think>answer"))
        .isEqualTo(new ReasoningDelta("step 1", "answer"));
  }

  @Test
  void anUnfinishedReasoningBlockIsAllReasoning() {
    assertThat(parse("deepseek_r1", "still thinking about it  \n"))
        .isEqualTo(new ReasoningDelta("still thinking about it", ""));
    assertThat(parse("qwen3", "<think>partial </thi")).isEqualTo(new ReasoningDelta("partial </thi", ""));
  }

  @Test
  void tagsAfterTheBlockAreContent() {
    assertThat(parse("qwen3", "<think>a</think>b <think>c</think>"))
        .isEqualTo(new ReasoningDelta("a", "b <think>c</think>"));
  }

  @Test
  void aCutStartTagAtTheEndIsContent() {
    assertThat(parse("qwen3", "text <thi")).isEqualTo(new ReasoningDelta("", "text <thi"));
  }

  @Test
  void kimiUsesUnicodeMarkers() {
    assertThat(parse("kimi", "◁think▷deep◁/think▷ok")).isEqualTo(new ReasoningDelta("deep", "ok"));
  }

  @Test
  void passthroughNeverSplits() {
    assertThat(parse("passthrough", QWEN3_OUTPUT)).isEqualTo(new ReasoningDelta("", QWEN3_OUTPUT));
  }

  @Test
  void reportsWhetherTheStreamIsInsideReasoning() {
    ReasoningParser parser = ReasoningParsers.create("qwen3");

    assertThat(parser.push("<thi")).isEqualTo(ReasoningDelta.EMPTY);
    assertThat(parser.inReasoning()).isFalse();
    assertThat(parser.push("nk>\nidea")).isEqualTo(new ReasoningDelta("idea", ""));
    assertThat(parser.inReasoning()).isTrue();
    assertThat(parser.push(" more\n</think>\n")).isEqualTo(new ReasoningDelta(" more", ""));
    assertThat(parser.inReasoning()).isFalse();
    assertThat(parser.push("\nAnswer")).isEqualTo(new ReasoningDelta("", "Answer"));
  }

  @Test
  void streamingEqualsOneShotAtEverySplitPoint() {
    List<String> outputs = List.of(QWEN3_OUTPUT, "Hi <think>hmm</think> there", "\n<think>\nstep 1\n</think>answer",
        "think \n\n</think>\n\n  ok </think> x", "a<thin<think>b</thin</think>c", "◁think▷deep◁/think▷ok",
        "partial </thi", "  \n  ");
    for (String name : ReasoningParsers.names()) {
      for (String output : outputs) {
        ReasoningDelta expected = parse(name, output);
        SplitPoints.forEachSplit(output, parts -> {
          ReasoningDelta streamed = stream(name, parts);
          if (!streamed.equals(expected)) {
            assertThat(streamed).as("%s %s", name, parts).isEqualTo(expected);
          }
        });
        assertThat(stream(name, SplitPoints.chars(output))).isEqualTo(expected);
      }
    }
  }

  private static ReasoningDelta stream(String name, List<String> parts) {
    ReasoningParser parser = ReasoningParsers.create(name);
    StringBuilder reasoning = new StringBuilder();
    StringBuilder normal = new StringBuilder();
    for (String part : parts) {
      ReasoningDelta delta = parser.push(part);
      reasoning.append(delta.reasoning());
      normal.append(delta.normal());
    }
    ReasoningDelta last = parser.finish();
    return new ReasoningDelta(reasoning.append(last.reasoning()).toString(), normal.append(last.normal()).toString());
  }

  @ParameterizedTest
  @CsvSource({
      "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B, deepseek_r1",
      "Qwen/Qwen3-235B-A22B-Thinking-2507, qwen3",
      "qwen3-thinking-32b, qwen3_thinking",
      "my-qwen-thinking, qwen3_thinking",
      "Qwen/Qwen3-8B, qwen3",
      "Qwen/QwQ-32B, qwen3",
      "THUDM/glm45-air, glm45",
      "moonshotai/Kimi-K2-Instruct, kimi",
      "stepfun-ai/step3, step3",
      "meta-llama/Llama-3.1-8B-Instruct, passthrough"})
  void autoSelectsByModelSubstring(String model, String expected) {
    assertThat(ReasoningParsers.nameForModel(model)).isEqualTo(expected);
  }

  @Test
  void aConfiguredParserOverridesAutoSelection() {
    ReasoningParser forced = ReasoningParsers.forModel(Optional.of("deepseek_r1"), "meta-llama/Llama-3.1-8B");

    assertThat(forced.parse("x</think>y")).isEqualTo(new ReasoningDelta("x", "y"));
    assertThat(ReasoningParsers.forModel(Optional.empty(), "gpt-4o")).isInstanceOf(PassthroughReasoningParser.class);
  }

  @Test
  void unknownNamesAreRejected() {
    assertThatThrownBy(() -> ReasoningParsers.create("nope")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nope");
  }
}
