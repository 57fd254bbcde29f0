package dev.switchboard.text.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ToolCallParserTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<RecordedToolOutputs.Case> cases() {
    return RecordedToolOutputs.CASES.stream();
  }

  private static Supplier<String> sequentialIds() {
    AtomicInteger next = new AtomicInteger();
    return () -> "call_" + next.getAndIncrement();
  }

  @ParameterizedTest
  @MethodSource("cases")
  void oneShotParseGivesTheExpectedTextAndCalls(RecordedToolOutputs.Case c) throws Exception {
    ToolParseResult result = ToolParsers.create(c.parser()).parse(c.output());

    assertThat(result).isEqualTo(new ToolParseResult(c.normalText(), c.calls()));
    for (ToolCall call : result.calls()) {
      assertThat(JSON.readTree(call.arguments()).isObject()).as(call.arguments()).isTrue();
    }
  }

  @ParameterizedTest
  @MethodSource("cases")
  void streamingEqualsOneShotAtEverySplitPoint(RecordedToolOutputs.Case c) {
    ToolParseResult expected = ToolParsers.create(c.parser()).parse(c.output());

    SplitPoints.forEachSplit(c.output(), parts -> {
      ToolParseResult streamed = stream(c.parser(), parts);
      if (!streamed.equals(expected)) {
        assertThat(streamed).as("%s", parts).isEqualTo(expected);
      }
    });
    assertThat(stream(c.parser(), SplitPoints.chars(c.output()))).isEqualTo(expected);
  }

  /** Streams the parts and checks the OpenAI delta rules on the way: id and name once, in the first delta. */
  private static ToolParseResult stream(String parser, List<String> parts) {
    ToolCallParser p = ToolParsers.create(parser, sequentialIds());
    ToolCallAccumulator accumulator = new ToolCallAccumulator();
    Set<Integer> started = new HashSet<>();
    for (int i = 0; i <= parts.size(); i++) {
      ToolStreamUpdate update = i < parts.size() ? p.push(parts.get(i)) : p.finish();
      for (ToolCallDelta delta : update.calls()) {
        boolean first = started.add(delta.index());
        if ((delta.name() != null) != first || (delta.id() != null) != first
            || (first && !delta.id().equals("call_" + delta.index()))) {
          throw new AssertionError("id and name must come once, in the first delta of a call: " + delta
              + " in " + parts);
        }
      }
      accumulator.add(update);
    }
    return accumulator.result();
  }

  @Test
  void namesAreAnnouncedBeforeTheArgumentsAreComplete() {
    ToolCallParser parser = ToolParsers.create("qwen", sequentialIds());

    assertThat(parser.push("Hi\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Pa"))
        .isEqualTo(new ToolStreamUpdate("Hi\n", List.of(
            new ToolCallDelta(0, "call_0", "get_weather", "{\"city\":\"Pa"))));
    assertThat(parser.push("ris\"}}\n</tool_call>"))
        .isEqualTo(new ToolStreamUpdate("", List.of(new ToolCallDelta(0, null, null, "ris\"}"))));
    assertThat(parser.finish()).isEqualTo(ToolStreamUpdate.EMPTY);
  }

  @Test
  void argumentsBeforeTheNameAreHeldUntilTheNameIsKnown() {
    ToolCallParser parser = ToolParsers.create("json", sequentialIds());

    assertThat(parser.push("{\"arguments\": {\"a\": 1}, ")).isEqualTo(ToolStreamUpdate.EMPTY);
    assertThat(parser.push("\"name\": \"f\"}"))
        .isEqualTo(new ToolStreamUpdate("", List.of(new ToolCallDelta(0, "call_0", "f", "{\"a\":1}"))));
  }

  @Test
  void aCutOffCallKeepsWhatWasStreamed() {
    ToolParseResult result = ToolParsers.create("qwen").parse("<tool_call>{\"name\": \"f\", \"arguments\": {\"a\": [1, 2");

    assertThat(result.calls()).containsExactly(new ToolCall("f", "{\"a\":[1,2"));
    assertThat(result.normalText()).isEmpty();
  }

  @Test
  void unfinishedMarkupThatNeverBecameACallIsContent() {
    assertThat(ToolParsers.create("qwen").parse("x <tool_call>{\"na").normalText()).isEqualTo("x <tool_call>{\"na");
    assertThat(ToolParsers.create("pythonic").parse("x [get_weather(ci").normalText()).isEqualTo("x ");
    assertThat(ToolParsers.create("pythonic").parse("x [get_weat").normalText()).isEqualTo("x [get_weat");
  }

  @Test
  void generatedIdsLookLikeOpenAiIds() {
    ToolCallAccumulator accumulator = new ToolCallAccumulator();
    ToolCallParser parser = ToolParsers.create("qwen");
    accumulator.add(parser.push("<tool_call>{\"name\":\"a\"}</tool_call><tool_call>{\"name\":\"b\"}</tool_call>"));
    accumulator.add(parser.finish());

    assertThat(accumulator.ids()).hasSize(2).doesNotHaveDuplicates()
        .allSatisfy(id -> assertThat(id).matches("call_[A-Za-z0-9]{24}"));
  }

  @Test
  void passthroughKeepsEverythingAsContent() {
    String text = "<tool_call>{\"name\": \"f\"}</tool_call>";

    assertThat(ToolParsers.create("passthrough").parse(text)).isEqualTo(new ToolParseResult(text, List.of()));
  }

  @ParameterizedTest
  @CsvSource({
      "gpt-4o, json", "gpt-3.5-turbo, json", "claude-3-opus, json", "gemini-1.5-pro, json",
      "google/gemma-2-9b-it, json", "llama-2-7b, json", "meta-llama/Llama-3.1-8B-Instruct, json",
      "mistral-large, mistral", "mistralai/Mixtral-8x7B-Instruct-v0.1, mistral",
      "Qwen/Qwen3-8B, qwen", "qwen2.5-7b-instruct, qwen",
      "llama-4-scout, pythonic", "meta-llama/Llama-4-Maverick-17B, pythonic", "meta-llama-4-x, pythonic",
      "llama-3.2-3b, llama", "meta-llama/Llama-3.2-1B-Instruct, llama",
      "deepseek-v3, deepseek", "deepseek-ai/DeepSeek-V3-0324, deepseek", "deepseek-ai/DeepSeek-R1, pythonic",
      "glm-4.5-air, glm4_moe", "zai-org/GLM-4.6, glm4_moe", "glm-4-9b, json",
      "step3, step3", "stepfun-ai/Step-3, step3", "moonshotai/Kimi-K2-Instruct, kimik2",
      "MiniMaxAI/MiniMax-M2, minimax_m2", "openai/gpt-oss-20b, gpt_oss", "some-unknown-model, passthrough"})
  void autoSelectsByModelGlob(String model, String expected) {
    assertThat(ToolParsers.nameForModel(model)).isEqualTo(expected);
  }

  @Test
  void resolveUsesTheOverrideOrAnImplementedAutoSelection() {
    assertThat(ToolParsers.resolve(Optional.of("pythonic"), "Qwen/Qwen3-8B")).contains("pythonic");
    assertThat(ToolParsers.resolve(Optional.empty(), "Qwen/Qwen3-8B")).contains("qwen");
    assertThat(ToolParsers.resolve(Optional.empty(), "deepseek-v3")).contains("deepseek");
    assertThat(ToolParsers.resolve(Optional.empty(), "glm-4.5-air")).isEmpty();
    assertThat(ToolParsers.resolve(Optional.empty(), "unknown")).isEmpty();
    assertThatThrownBy(() -> ToolParsers.resolve(Optional.of("nope"), "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
  }
}
