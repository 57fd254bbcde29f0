package dev.switchboard.text.parser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.text.BundledTokenizers;
import dev.switchboard.text.Tokenizer;
import dev.switchboard.text.detok.StopConfig;
import dev.switchboard.text.detok.StopDecoder;
import dev.switchboard.text.detok.StopMatch;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The whole output side with the real Qwen3 tokenizer: token ids → StopDecoder → reasoning parser → tool parser,
 * streamed in random chunkings of the ids, gives the same reasoning, content and tool calls as the expected parse.
 */
class ChatOutputQwen3Test {
  private static final int IM_END = 151_645;
  private static final String OUTPUT = "<think>\nThe user wants the weather in 東京 ☀️. I'll call the tool.\n</think>\n\n"
      + "Let me check.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"東京\", \"days\": 3}}\n"
      + "</tool_call>\n<tool_call>\n{\"name\": \"get_time\", \"arguments\": {\"tz\": \"Asia/Tokyo\"}}\n</tool_call>";

  private final Tokenizer tokenizer = BundledTokenizers.qwen3();

  @Test
  void tokenStreamsOfEveryChunkingGiveTheSameChatOutput() {
    int[] ids = append(tokenizer.encode(OUTPUT), IM_END, 9707);
    assertThat(ids).contains(151_667, 151_668, 151_657, 151_658);
    SplittableRandom random = new SplittableRandom(5);

    for (int round = 0; round < 30; round++) {
      Result result = run(ids, round == 0 ? 1 : 1 + random.nextInt(6), random);

      assertThat(result.reasoning()).isEqualTo("The user wants the weather in 東京 ☀️. I'll call the tool.");
      assertThat(result.tools().normalText()).isEqualTo("Let me check.\n");
      assertThat(result.tools().result().calls()).containsExactly(
          new ToolCall("get_weather", "{\"city\":\"東京\",\"days\":3}"),
          new ToolCall("get_time", "{\"tz\":\"Asia/Tokyo\"}"));
      assertThat(result.stop()).isEqualTo(new StopMatch.Token(IM_END));
    }
  }

  private record Result(String reasoning, ToolCallAccumulator tools, StopMatch stop) {
  }

  private Result run(int[] ids, int maxChunk, SplittableRandom random) {
    // tools present: skip_special_tokens is forced off so tool markup survives decoding
    StopDecoder decoder = new StopDecoder(tokenizer::decode, new StopConfig(List.of(), Set.of(IM_END), false, false));
    ChatOutputSplitter splitter = new ChatOutputSplitter(ReasoningParsers.create("qwen3"), ToolParsers.create("qwen"));
    StringBuilder reasoning = new StringBuilder();
    ToolCallAccumulator tools = new ToolCallAccumulator();
    int at = 0;
    while (at < ids.length) {
      int end = Math.min(ids.length, at + 1 + random.nextInt(maxChunk));
      ChatDelta delta = splitter.push(decoder.push(Arrays.copyOfRange(ids, at, end)));
      reasoning.append(delta.reasoning());
      tools.add(new ToolStreamUpdate(delta.content(), delta.toolCalls()));
      at = end;
    }
    ChatDelta last = splitter.push(decoder.finish());
    ChatDelta end = splitter.finish();
    for (ChatDelta d : List.of(last, end)) {
      reasoning.append(d.reasoning());
      tools.add(new ToolStreamUpdate(d.content(), d.toolCalls()));
    }
    return new Result(reasoning.toString(), tools, decoder.matchedStop().orElseThrow());
  }

  private static int[] append(int[] ids, int... more) {
    int[] out = Arrays.copyOf(ids, ids.length + more.length);
    System.arraycopy(more, 0, out, ids.length, more.length);
    return out;
  }
}
