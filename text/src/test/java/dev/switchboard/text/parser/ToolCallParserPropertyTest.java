package dev.switchboard.text.parser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random tool calls (names, nested arguments with quotes, escapes, markup and non-BMP text inside strings) rendered
 * in each format with random whitespace and leading text: the one-shot parse recovers them (arguments in compact
 * JSON) and random chunkings of the stream give the one-shot result.
 */
class ToolCallParserPropertyTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String[] STRING_PIECES = {"a", "Z", " ", "\"", "'", "\\", "\n", "\t", "}", "]", ")", ",", "=",
    ";", "<", "你好", "\uD83D\uDE00", "\u0001", "<tool_call>", "</tool_call>", "[TOOL_CALLS]", "{\"name\": \"x\"}"};
  private static final String[] TEXT_PIECES = {"Sure", " ", "\n", "<", ">", "/", "let me", "你好", "!", "tool", "."};

  @ParameterizedTest
  @ValueSource(strings = {"qwen", "mistral", "llama3", "json", "pythonic", "deepseek"})
  void randomCallsRoundTripAndStreamLikeOneShot(String parser) {
    SplittableRandom random = new SplittableRandom(parser.hashCode());
    for (int round = 0; round < 150; round++) {
      List<ToolCall> calls = randomCalls(random);
      String prefix = parser.equals("json") || (parser.equals("llama3") && random.nextBoolean())
          ? "" : text(random);
      String output = render(parser, prefix, calls, random);

      ToolParseResult oneShot = ToolParsers.create(parser).parse(output);
      assertThat(oneShot).as(output).isEqualTo(new ToolParseResult(prefix, calls));
      for (int chunking = 0; chunking < 10; chunking++) {
        ToolParseResult streamed = stream(parser, chunk(output, chunking == 0 ? 1 : 1 + random.nextInt(12), random));
        if (!streamed.equals(oneShot)) {
          assertThat(streamed).as(output).isEqualTo(oneShot);
        }
      }
    }
  }

  private static ToolParseResult stream(String parser, List<String> parts) {
    ToolCallParser p = ToolParsers.create(parser);
    ToolCallAccumulator accumulator = new ToolCallAccumulator();
    parts.forEach(part -> accumulator.add(p.push(part)));
    accumulator.add(p.finish());
    return accumulator.result();
  }

  private static List<String> chunk(String text, int maxChunk, SplittableRandom random) {
    List<String> parts = new ArrayList<>();
    for (int at = 0; at < text.length(); ) {
      int end = Math.min(text.length(), at + 1 + random.nextInt(maxChunk));
      parts.add(text.substring(at, end));
      at = end;
    }
    return parts;
  }

  private static List<ToolCall> randomCalls(SplittableRandom random) {
    List<ToolCall> calls = new ArrayList<>();
    int count = 1 + random.nextInt(3);
    for (int i = 0; i < count; i++) {
      calls.add(new ToolCall(identifier(random) + (random.nextBoolean() ? "" : "_fn"), json(arguments(random))));
    }
    return calls;
  }

  private static ObjectNode arguments(SplittableRandom random) {
    ObjectNode args = NODES.objectNode();
    int keys = random.nextInt(4);
    for (int i = 0; i < keys; i++) {
      args.set(identifier(random), value(random, 2));
    }
    return args;
  }

  private static JsonNode value(SplittableRandom random, int depth) {
    int kind = random.nextInt(depth > 0 ? 8 : 6);
    return switch (kind) {
      case 0, 1 -> NODES.textNode(string(random));
      case 2 -> NODES.numberNode(random.nextInt(-1000, 100_000));
      case 3 -> NODES.numberNode(random.nextInt(-400, 400) / 4.0 + 0.25);
      case 4 -> NODES.booleanNode(random.nextBoolean());
      case 5 -> NODES.nullNode();
      case 6 -> {
        ArrayNode array = NODES.arrayNode();
        int n = random.nextInt(3);
        for (int i = 0; i < n; i++) {
          array.add(value(random, depth - 1));
        }
        yield array;
      }
      default -> {
        ObjectNode object = NODES.objectNode();
        int n = random.nextInt(3);
        for (int i = 0; i < n; i++) {
          object.set(identifier(random), value(random, depth - 1));
        }
        yield object;
      }
    };
  }

  private static String identifier(SplittableRandom random) {
    String letters = "abcdefghijklmnopqrstuvwxyz";
    StringBuilder id = new StringBuilder().append(letters.charAt(random.nextInt(letters.length())));
    int n = random.nextInt(8);
    for (int i = 0; i < n; i++) {
      id.append((letters + "0123456789_").charAt(random.nextInt(letters.length() + 11)));
    }
    return id.toString();
  }

  private static String string(SplittableRandom random) {
    StringBuilder s = new StringBuilder();
    int n = random.nextInt(6);
    for (int i = 0; i < n; i++) {
      s.append(STRING_PIECES[random.nextInt(STRING_PIECES.length)]);
    }
    return s.toString();
  }

  private static String text(SplittableRandom random) {
    StringBuilder s = new StringBuilder();
    int n = random.nextInt(5);
    for (int i = 0; i < n; i++) {
      s.append(TEXT_PIECES[random.nextInt(TEXT_PIECES.length)]);
    }
    return s.toString();
  }

  private static String ws(SplittableRandom random) {
    return new String[] {"", " ", "\n", "\n\n", "  \t"}[random.nextInt(5)];
  }

  private static String render(String parser, String prefix, List<ToolCall> calls, SplittableRandom random) {
    String argumentsKey = parser.equals("llama3") ? "parameters" : random.nextBoolean() ? "arguments" : "parameters";
    List<String> objects = calls.stream().map(c -> object(c, argumentsKey, random)).toList();
    return switch (parser) {
      case "qwen" -> prefix + objects.stream()
          .map(o -> "<tool_call>" + ws(random) + o + ws(random) + "</tool_call>" + ws(random))
          .collect(Collectors.joining());
      case "mistral" -> prefix + "[TOOL_CALLS]" + ws(random) + "[" + String.join("," + ws(random), objects) + "]";
      case "llama3" -> prefix + (prefix.isEmpty() && random.nextBoolean() ? "" : "<|python_tag|>")
          + String.join(ws(random) + ";" + ws(random), objects);
      case "json" -> ws(random) + (objects.size() == 1 && random.nextBoolean() ? objects.getFirst()
          : "[" + String.join("," + ws(random), objects) + "]") + ws(random);
      case "pythonic" -> prefix + "[" + calls.stream().map(c -> python(c, random))
          .collect(Collectors.joining("," + ws(random))) + "]";
      case "deepseek" -> prefix + DeepSeekV3ToolParser.CALLS_BEGIN + calls.stream()
          .map(c -> DeepSeekV3ToolParser.CALL_BEGIN + "function" + DeepSeekV3ToolParser.SEP + c.name() + "\n```json\n"
              + object(c, random) + "\n```" + DeepSeekV3ToolParser.CALL_END + ws(random))
          .collect(Collectors.joining()) + DeepSeekV3ToolParser.CALLS_END;
      default -> throw new IllegalArgumentException(parser);
    };
  }

  /** The arguments alone, pretty-printed or compact. */
  private static String object(ToolCall call, SplittableRandom random) {
    try {
      JsonNode arguments = JSON.readTree(call.arguments());
      return random.nextBoolean() ? JSON.writerWithDefaultPrettyPrinter().writeValueAsString(arguments) : json(arguments);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A call object with keys in random order, pretty-printed or compact. */
  private static String object(ToolCall call, String argumentsKey, SplittableRandom random) {
    try {
      ObjectNode object = NODES.objectNode();
      JsonNode arguments = JSON.readTree(call.arguments());
      boolean argumentsFirst = random.nextInt(4) == 0;
      if (argumentsFirst) {
        object.set(argumentsKey, arguments);
      }
      object.put("name", call.name());
      if (!argumentsFirst) {
        object.set(argumentsKey, arguments);
      }
      return random.nextBoolean() ? JSON.writerWithDefaultPrettyPrinter().writeValueAsString(object) : json(object);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String python(ToolCall call, SplittableRandom random) {
    try {
      StringBuilder out = new StringBuilder(call.name()).append('(');
      Iterator<Map.Entry<String, JsonNode>> fields = JSON.readTree(call.arguments()).fields();
      boolean first = true;
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        out.append(first ? "" : "," + ws(random)).append(field.getKey()).append('=')
            .append(pythonValue(field.getValue(), random));
        first = false;
      }
      return out.append(')').toString();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pythonValue(JsonNode node, SplittableRandom random) {
    if (node.isTextual()) {
      char quote = random.nextBoolean() ? '\'' : '"';
      StringBuilder s = new StringBuilder().append(quote);
      for (char c : node.textValue().toCharArray()) {
        switch (c) {
          case '\\' -> s.append("\\\\");
          case '\n' -> s.append("\\n");
          case '\t' -> s.append("\\t");
          case '\u0001' -> s.append("\\x01");
          default -> s.append(c == quote ? "\\" + c : String.valueOf(c));
        }
      }
      return s.append(quote).toString();
    }
    if (node.isBoolean()) {
      return node.booleanValue() ? "True" : "False";
    }
    if (node.isNull()) {
      return "None";
    }
    if (node.isArray()) {
      List<String> items = new ArrayList<>();
      node.forEach(item -> items.add(pythonValue(item, random)));
      return "[" + String.join(", ", items) + "]";
    }
    if (node.isObject()) {
      List<String> items = new ArrayList<>();
      node.fields().forEachRemaining(e -> items.add("'" + e.getKey() + "': " + pythonValue(e.getValue(), random)));
      return "{" + String.join(", ", items) + "}";
    }
    return node.asText();
  }

  private static String json(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
