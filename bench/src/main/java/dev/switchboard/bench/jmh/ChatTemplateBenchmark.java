package dev.switchboard.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.text.TokenizerConfig;
import dev.switchboard.text.chat.ChatPrompt;
import dev.switchboard.text.template.ChatTemplate;
import dev.switchboard.text.template.TemplateValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Renders/s of the real Qwen3 chat template for a 10-turn conversation with tools, tool calls and tool results
 * (target: at least 20,000/s on one core). {@code render} measures the interpreter alone on prepared variables;
 * {@code chatPrompt} the whole request-to-prompt step from a parsed OpenAI request body.
 *
 * <p>The template is the bundled Qwen3 {@code tokenizer_config.json} (override with {@code -Dswitchboard.qwen3Dir=DIR}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ChatTemplateBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ChatTemplate template;
  private Map<String, Object> vars;
  private ChatPrompt chatPrompt;
  private JsonNode request;

  @Setup
  public void setUp() throws Exception {
    Path dir = qwen3Dir();
    JsonNode config = JSON.readTree(dir.resolve("tokenizer_config.json").toFile());
    String source = config.get("chat_template").asText();
    template = ChatTemplate.compile(source);
    request = conversation();
    @SuppressWarnings("unchecked")
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("messages", TemplateValues.fromJson(parsedArguments(request.get("messages"))));
    v.put("tools", TemplateValues.fromJson(request.get("tools")));
    v.put("add_generation_prompt", true);
    v.put("eos_token", "<|im_end|>");
    v.put("pad_token", "<|endoftext|>");
    vars = v;
    TokenizerConfig tokenizerConfig =
        new TokenizerConfig(source, Map.of(), null, "<|im_end|>", "<|endoftext|>", null, List.of(151645), false);
    chatPrompt = ChatPrompt.forConfig(tokenizerConfig);
    String viaTemplate = template.render(vars);
    String viaPrompt = chatPrompt.render(request);
    if (!viaTemplate.equals(viaPrompt) || viaTemplate.length() < 3000) {
      throw new IllegalStateException("benchmark inputs disagree: " + viaTemplate.length() + " vs " + viaPrompt.length());
    }
  }

  @Benchmark
  public String render() throws Exception {
    return template.render(vars);
  }

  @Benchmark
  public String chatPrompt() throws Exception {
    return chatPrompt.render(request);
  }

  private static Path qwen3Dir() throws IOException {
    String override = System.getProperty("switchboard.qwen3Dir");
    if (override != null) {
      return Path.of(override);
    }
    return dev.switchboard.text.BundledTokenizers.qwen3Dir();
  }

  /** A system prompt, 3 tools and 10 user turns; every other turn calls a tool and gets its result. */
  private static ObjectNode conversation() throws IOException {
    ObjectNode req = JSON.createObjectNode();
    req.put("model", "qwen3");
    ArrayNode tools = req.putArray("tools");
    for (String name : new String[] {"get_weather", "search_web", "run_sql"}) {
      tools.add(JSON.readTree("""
          {"type": "function", "function": {"name": "%s", "description": "Tool %s: does useful things for the user.",
           "parameters": {"type": "object", "properties": {
             "query": {"type": "string", "description": "What to look up"},
             "limit": {"type": "integer", "minimum": 1, "maximum": 50},
             "mode": {"type": "string", "enum": ["fast", "thorough"]}}, "required": ["query"]}}}
          """.formatted(name, name)));
    }
    ArrayNode messages = req.putArray("messages");
    messages.add(message("system", "You are a helpful assistant. Answer concisely and use tools when needed."));
    for (int turn = 0; turn < 10; turn++) {
      messages.add(message("user", "Question number " + turn + ": what do you know about topic " + turn
          + "? Please be precise — 你好, 😀."));
      if (turn % 2 == 0) {
        ObjectNode call = message("assistant", "");
        ArrayNode calls = call.putArray("tool_calls");
        ObjectNode c = calls.addObject();
        c.put("id", "call_" + turn);
        c.put("type", "function");
        ObjectNode fn = c.putObject("function");
        fn.put("name", "search_web");
        fn.put("arguments", "{\"query\": \"topic " + turn + "\", \"limit\": 5, \"mode\": \"fast\"}");
        messages.add(call);
        ObjectNode result = message("tool", "{\"results\": [\"fact one about " + turn + "\", \"fact two\"]}");
        result.put("tool_call_id", "call_" + turn);
        messages.add(result);
      }
      messages.add(message("assistant", "<think>\nThinking about topic " + turn + ".\n</think>\n\nHere is what I found about topic "
          + turn + ": fact one, fact two."));
    }
    return req;
  }

  private static ObjectNode message(String role, String content) {
    ObjectNode m = JSON.createObjectNode();
    m.put("role", role);
    m.put("content", content);
    return m;
  }

  /** The messages with tool-call argument strings parsed, as ChatPrompt does before rendering. */
  private static JsonNode parsedArguments(JsonNode messages) throws IOException {
    JsonNode copy = messages.deepCopy();
    for (JsonNode m : copy) {
      for (JsonNode call : m.path("tool_calls")) {
        ObjectNode fn = (ObjectNode) call.get("function");
        fn.set("arguments", JSON.readTree(fn.get("arguments").asText()));
      }
    }
    return copy;
  }
}
