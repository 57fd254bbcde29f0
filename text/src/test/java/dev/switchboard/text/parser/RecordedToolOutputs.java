package dev.switchboard.text.parser;

import java.util.List;

/** Model outputs in each tool-call format, with the expected one-shot parse. */
final class RecordedToolOutputs {
  private RecordedToolOutputs() {
  }

  record Case(String parser, String output, String normalText, List<ToolCall> calls) {
    @Override
    public String toString() {
      return parser + ": " + output.replace("\n", "\\n");
    }
  }

  private static Case of(String parser, String output, String normal, ToolCall... calls) {
    return new Case(parser, output, normal, List.of(calls));
  }

  private static ToolCall call(String name, String arguments) {
    return new ToolCall(name, arguments);
  }

  static final List<Case> CASES = List.of(
      of("qwen", "I'll check the weather.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": "
              + "{\"city\": \"Zürich\", \"unit\": \"celsius\"}}\n</tool_call>",
          "I'll check the weather.\n", call("get_weather", "{\"city\":\"Zürich\",\"unit\":\"celsius\"}")),
      of("qwen", "<tool_call>\n{\"name\": \"a\", \"arguments\": {}}\n</tool_call>\n<tool_call>\n{\"name\": \"b\", "
              + "\"arguments\": {\"x\": [1, 2, {\"y\": \"a \\\"q\\\" }\"}], \"e\": \"\\u00e9 \\ud83d\\ude00\"}}"
              + "\n</tool_call>\n",
          "", call("a", "{}"), call("b", "{\"x\":[1,2,{\"y\":\"a \\\"q\\\" }\"}],\"e\":\"\\u00e9 \\ud83d\\ude00\"}")),
      of("qwen", "<tool_call>{\"arguments\": \"{\\\"q\\\": 1}\", \"name\": \"search\"}</tool_call>\n\nThat's it.",
          "\n\nThat's it.", call("search", "{\"q\": 1}")),
      of("qwen", "<tool_call>\n{\"name\": \"w\", \"id\": 7, \"arguments\": {\"s\": \"line1\nline2\"}}\n</tool_call>",
          "", call("w", "{\"s\":\"line1\\nline2\"}")),
      of("qwen", "<tool_call>\n{\"name\": \"now\"}\n</tool_call>", "", call("now", "{}")),
      of("qwen", "<tool_call>not json</tool_call> ok", "<tool_call>not json</tool_call> ok"),
      of("qwen", "<tool_call>{\"city\": \"x\"}</tool_call>", "<tool_call>{\"city\": \"x\"}</tool_call>"),
      of("qwen", "a < b and <tool and <tool_cal", "a < b and <tool and <tool_cal"),
      of("hermes", "<tool_call>\n{\"name\": \"f\", \"arguments\": {\"a\": 1}}\n</tool_call>", "", call("f", "{\"a\":1}")),
      of("mistral", "[TOOL_CALLS] [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}, "
              + "{\"name\": \"get_time\", \"arguments\": {\"tz\": \"CET\"}}]",
          "", call("get_weather", "{\"city\":\"Paris\"}"), call("get_time", "{\"tz\":\"CET\"}")),
      of("mistral", "Sure. [TOOL_CALLS][{\"name\": \"f\", \"arguments\": {\"n\": -1.5e3, \"ok\": true, \"none\": null}}]",
          "Sure. ", call("f", "{\"n\":-1.5e3,\"ok\":true,\"none\":null}")),
      of("mistral", "[TOOL_CALLS] {\"name\": \"g\", \"arguments\": {\"v\": [ ]}}", "", call("g", "{\"v\":[]}")),
      of("mistral", "[TOOL] not a call [TOOL_CALLS] [1]", "[TOOL] not a call [TOOL_CALLS] [1]"),
      of("llama3", "<|python_tag|>{\"name\": \"search\", \"parameters\": {\"query\": \"java 21\"}}",
          "", call("search", "{\"query\":\"java 21\"}")),
      of("llama3", "{\"name\": \"a\", \"parameters\": {\"x\": 1}}; {\"name\": \"b\", \"parameters\": {}}",
          "", call("a", "{\"x\":1}"), call("b", "{}")),
      of("llama3", "\n{\"type\": \"function\", \"name\": \"c\", \"parameters\": {\"k\": \"v\"}}",
          "", call("c", "{\"k\":\"v\"}")),
      of("llama3", "The answer is {\"name\": \"x\"}", "The answer is {\"name\": \"x\"}"),
      of("llama3", "{\"a\": 1} and more", "{\"a\": 1} and more"),
      of("llama3", "Let me search. <|python_tag|>{\"name\": \"s\", \"parameters\": {\"q\": 2}}",
          "Let me search. ", call("s", "{\"q\":2}")),
      of("json", "[{\"name\": \"f\", \"parameters\": {\"a\": 1}}, {\"name\": \"g\", \"parameters\": {\"b\": [true, false]}}]",
          "", call("f", "{\"a\":1}"), call("g", "{\"b\":[true,false]}")),
      of("json", "  {\"name\": \"f\", \"arguments\": {\"a\": \"}\"}}  ", "", call("f", "{\"a\":\"}\"}")),
      of("json", "[1, 2, 3]", "[1, 2, 3]"),
      of("json", "plain text {\"name\": \"f\"}", "plain text {\"name\": \"f\"}"),
      of("pythonic", "[get_weather(city='San Francisco', unit=\"celsius\"), get_time()]",
          "", call("get_weather", "{\"city\":\"San Francisco\",\"unit\":\"celsius\"}"), call("get_time", "{}")),
      of("pythonic", "Let me look. [search(query=\"a, b\", limit=10, filters={'lang': 'en', 'tags': ['x', 'y']}, "
              + "exact=True, extra=None, ratio=0.5)]\nDone",
          "Let me look. \nDone", call("search",
              "{\"query\":\"a, b\",\"limit\":10,\"filters\":{\"lang\":\"en\",\"tags\":[\"x\",\"y\"]},"
                  + "\"exact\":true,\"extra\":null,\"ratio\":0.5}")),
      of("pythonic", "<|python_start|>[f(x=1.5, y=-2, s='it\\'s')]<|python_end|>",
          "", call("f", "{\"x\":1.5,\"y\":-2,\"s\":\"it's\"}")),
      of("pythonic", "See [link](http://x) and [1, 2] or [a b]", "See [link](http://x) and [1, 2] or [a b]"),
      of("pythonic", "[f(1)]", "1)]", call("f", "{}")),
      of("deepseek", "Let me check.<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n"
              + "```json\n{\"city\": \"Paris\", \"n\": [1, 2]}\n```<｜tool▁call▁end｜>\n<｜tool▁call▁begin｜>function"
              + "<｜tool▁sep｜>get_time\n```json\n{}\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>",
          "Let me check.", call("get_weather", "{\"city\":\"Paris\",\"n\":[1,2]}"), call("get_time", "{}")),
      of("deepseek", "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>search<｜tool▁sep｜>{\"q\": \"a ``` b\"}"
              + "<｜tool▁call▁end｜><｜tool▁calls▁end｜> done",
          " done", call("search", "{\"q\":\"a ``` b\"}")),
      of("deepseek", "a <｜tool b <｜tool▁calls", "a <｜tool b <｜tool▁calls"));
}
