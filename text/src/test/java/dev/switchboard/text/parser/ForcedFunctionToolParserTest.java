package dev.switchboard.text.parser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ForcedFunctionToolParserTest {

  private static ToolCallParser parser() {
    return new ForcedFunctionToolParser("get_weather", () -> "call_forced");
  }

  @Test
  void wrapsTheArgumentsInACallWithTheForcedName() {
    ToolParseResult result = parser().parse("\n{ \"city\": \"Paris\",\n  \"days\": [1, 2] }\n");

    assertThat(result).isEqualTo(new ToolParseResult("", List.of(
        new ToolCall("get_weather", "{\"city\":\"Paris\",\"days\":[1,2]}"))));
  }

  @Test
  void announcesTheCallAtTheFirstCharacter() {
    ToolCallParser parser = parser();

    assertThat(parser.push("  ")).isEqualTo(ToolStreamUpdate.EMPTY);
    assertThat(parser.push("{\"ci")).isEqualTo(new ToolStreamUpdate("", List.of(
        new ToolCallDelta(0, "call_forced", "get_weather", "{\"ci"))));
    assertThat(parser.push("ty\": 1}")).isEqualTo(new ToolStreamUpdate("", List.of(
        new ToolCallDelta(0, null, null, "ty\":1}"))));
  }

  @Test
  void emptyOutputHasNoCall() {
    assertThat(parser().parse("  \n")).isEqualTo(new ToolParseResult("  \n", List.of()));
  }

  @Test
  void outputThatIsNotAnObjectIsContent() {
    assertThat(parser().parse(" Sorry, no.")).isEqualTo(new ToolParseResult(" Sorry, no.", List.of()));
  }

  @Test
  void textAfterTheValueIsContent() {
    assertThat(parser().parse("{\"a\": 1}\n\nextra")).isEqualTo(new ToolParseResult("\n\nextra", List.of(
        new ToolCall("get_weather", "{\"a\":1}"))));
  }

  @Test
  void streamingEqualsOneShotAtEverySplitPoint() {
    for (String output : List.of(" {\"q\": \"a \\\"}\\\" b\", \"n\": [1, {\"x\": null}]} tail", "{}", "{\"a\": 1}  ", " no")) {
      ToolParseResult expected = parser().parse(output);
      SplitPoints.forEachSplit(output, parts -> {
        ToolCallParser parser = parser();
        ToolCallAccumulator accumulator = new ToolCallAccumulator();
        parts.forEach(part -> accumulator.add(parser.push(part)));
        accumulator.add(parser.finish());
        if (!accumulator.result().equals(expected)) {
          assertThat(accumulator.result()).as("%s", parts).isEqualTo(expected);
        }
      });
    }
  }
}
