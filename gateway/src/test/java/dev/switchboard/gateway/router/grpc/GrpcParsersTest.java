package dev.switchboard.gateway.router.grpc;

import static dev.switchboard.gateway.router.grpc.GrpcRoutersTest.events;
import static dev.switchboard.gateway.router.grpc.GrpcRoutersTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.testing.GrpcFleet;
import dev.switchboard.text.BundledTokenizers;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.WorkerSpec;
import dev.switchboard.gateway.worker.WorkerType;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reasoning and tool calls round-trip through the parsers: a scripted scheduler emits the Qwen3 token ids of a known
 * output one token per chunk; the gateway must return the same reasoning, calls and content streamed and not.
 */
class GrpcParsersTest {
  private static final String MODEL = "qwen3-test";
  private static final String TOOLS = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
      + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}}]";
  private static final String THOUGHT_AND_CALL = "<think>\nThe user wants the weather.\n</think>\n\n"
      + "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>";

  private static ScriptedScheduler scheduler;
  private static GrpcFleet fleet;

  @BeforeAll
  static void start() {
    scheduler = new ScriptedScheduler();
    fleet = GrpcFleet.start(List.of(), List.of(WorkerSpec.of(scheduler.url(), MODEL, WorkerType.REGULAR, ConnectionMode.GRPC)), Map.of())
        .awaitReady();
  }

  @AfterAll
  static void stop() {
    fleet.close();
    scheduler.close();
  }

  @BeforeEach
  void reset() {
    scheduler.failure = ScriptedScheduler.Failure.NONE;
    scheduler.received.clear();
  }

  private static void script(String text) {
    int[] ids = BundledTokenizers.qwen3().encode(text);
    int[] withEos = Arrays.copyOf(ids, ids.length + 1);
    withEos[ids.length] = GrpcFleet.IM_END;
    scheduler.script = withEos;
  }

  private static String chat(boolean stream, String extra) {
    return "{\"model\":\"" + MODEL + "\",\"stream\":" + stream + extra
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}]}";
  }

  @Test
  void reasoningAndToolCallNonStreamed() throws Exception {
    script(THOUGHT_AND_CALL);
    HttpResponse<String> r = fleet.post("/v1/chat/completions", chat(false, TOOLS));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode choice = json(r.body()).path("choices").get(0);
    JsonNode message = choice.path("message");
    assertThat(message.path("reasoning_content").asText().strip()).isEqualTo("The user wants the weather.");
    assertThat(message.path("tool_calls")).hasSize(1);
    JsonNode call = message.path("tool_calls").get(0);
    assertThat(call.path("type").asText()).isEqualTo("function");
    assertThat(call.path("id").asText()).isNotBlank();
    assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
    assertThat(json(call.path("function").path("arguments").asText())).isEqualTo(json("{\"city\":\"Paris\"}"));
    assertThat(message.path("content").isNull() || message.path("content").asText().isBlank()).isTrue();
    assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
    // tools present and not "none": special tokens must reach the parser
    assertThat(scheduler.received.get(0).getSamplingParams().getSkipSpecialTokens()).isFalse();
    String prompt = scheduler.received.get(0).getTokenized().getOriginalText();
    assertThat(prompt).contains("get_weather").contains("<tools>");
  }

  @Test
  void reasoningAndToolCallStreamed() throws Exception {
    script(THOUGHT_AND_CALL);
    List<JsonNode> events = events(fleet.post("/v1/chat/completions", chat(true, TOOLS)).body());
    StringBuilder reasoning = new StringBuilder();
    StringBuilder content = new StringBuilder();
    StringBuilder args = new StringBuilder();
    String name = null;
    String finish = null;
    for (JsonNode e : events) {
      for (JsonNode c : e.path("choices")) {
        JsonNode d = c.path("delta");
        reasoning.append(d.path("reasoning_content").asText(""));
        content.append(d.path("content").asText(""));
        for (JsonNode t : d.path("tool_calls")) {
          assertThat(t.path("index").asInt()).isZero();
          if (t.path("function").has("name")) {
            assertThat(name).isNull();
            name = t.path("function").path("name").asText();
            assertThat(t.path("id").asText()).isNotBlank();
          }
          args.append(t.path("function").path("arguments").asText(""));
        }
        if (!c.path("finish_reason").isNull()) finish = c.path("finish_reason").asText();
      }
    }
    assertThat(reasoning.toString().strip()).isEqualTo("The user wants the weather.");
    assertThat(name).isEqualTo("get_weather");
    assertThat(json(args.toString())).isEqualTo(json("{\"city\":\"Paris\"}"));
    assertThat(content.toString()).isBlank();
    assertThat(finish).isEqualTo("tool_calls");
  }

  @Test
  void namedToolChoiceConstrainsToTheParametersAndSynthesizesTheCall() throws Exception {
    script("{\"city\": \"Lyon\"}");
    String extra = TOOLS + ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}";
    JsonNode message = json(fleet.post("/v1/chat/completions", chat(false, extra)).body()).path("choices").get(0).path("message");
    assertThat(message.path("tool_calls").get(0).path("function").path("name").asText()).isEqualTo("get_weather");
    assertThat(json(message.path("tool_calls").get(0).path("function").path("arguments").asText())).isEqualTo(json("{\"city\":\"Lyon\"}"));
    assertThat(json(scheduler.received.get(0).getSamplingParams().getJsonSchema()))
        .isEqualTo(json("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}"));
  }

  @Test
  void toolChoiceNoneLeavesTextAsContentAndRequiredSendsAnArraySchema() throws Exception {
    script("Plain answer.");
    JsonNode none = json(fleet.post("/v1/chat/completions", chat(false, TOOLS + ",\"tool_choice\":\"none\"")).body());
    assertThat(none.path("choices").get(0).path("message").path("content").asText()).isEqualTo("Plain answer.");
    assertThat(scheduler.received.get(0).getSamplingParams().getSkipSpecialTokens()).isTrue();

    script("[{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Rome\"}}]");
    JsonNode req = json(fleet.post("/v1/chat/completions", chat(false, TOOLS + ",\"tool_choice\":\"required\"")).body());
    JsonNode call = req.path("choices").get(0).path("message").path("tool_calls").get(0);
    assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
    assertThat(json(call.path("function").path("arguments").asText())).isEqualTo(json("{\"city\":\"Rome\"}"));
    JsonNode schema = json(scheduler.received.get(1).getSamplingParams().getJsonSchema());
    assertThat(schema.path("type").asText()).isEqualTo("array");
    assertThat(schema.path("minItems").asInt()).isEqualTo(1);
  }

  @Test
  void generateErrorBeforeStreamingIsAJsonError() throws Exception {
    scheduler.failure = ScriptedScheduler.Failure.GENERATE_ERROR;
    HttpResponse<String> r = fleet.post("/v1/chat/completions", chat(true, ""));
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(json(r.body()).path("error").path("message").asText()).isEqualTo("scripted failure");
  }
}
