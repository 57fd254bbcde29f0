#!/usr/bin/env python3
"""Renders the golden chat-template cases with Python's Jinja2 exactly the way HF transformers does
(ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks, loopcontrols, tojson = json.dumps(ensure_ascii=False),
raise_exception, strftime_now) and writes cases.json plus golden/<case>.txt.

Run from this directory:  python3 generate_golden.py   (needs only jinja2; checked with Jinja2 3.1.6)
ChatTemplateGoldenTest compares the Java interpreter's output with these files byte for byte.
"""
import json
import os
from datetime import datetime

import jinja2
from jinja2.exceptions import TemplateError
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = os.path.dirname(os.path.abspath(__file__))
FIXED_NOW = datetime(2026, 1, 15, 10, 30, 0)  # the Java test uses the same fixed clock (UTC)


def raise_exception(message):
    raise TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def strftime_now(fmt):
    return FIXED_NOW.strftime(fmt)


def environment():
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather in a city",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "City name, e.g. Paris"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                "days": {"type": "integer", "minimum": 1, "maximum": 7.5},
            },
            "required": ["city"],
        },
    },
}
SEARCH_TOOL = {
    "type": "function",
    "function": {
        "name": "search",
        "description": "Suche im Web — 検索 \"quoted\"",
        "parameters": {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]},
        "return": {"type": "string"},
    },
}
TOOLS = [WEATHER_TOOL, SEARCH_TOOL]

SYSTEM = {"role": "system", "content": "You are a helpful assistant."}
USER_HI = {"role": "user", "content": "Hello! How are you?"}
ASSISTANT_FINE = {"role": "assistant", "content": "I'm fine, thanks. How can I help?"}
USER_WEATHER = {"role": "user", "content": "What's the weather in Paris and in 東京?"}
TOOL_CALLS_DICT = {
    "role": "assistant",
    "content": "",
    "tool_calls": [
        {"id": "call_a1B2c3D4e", "type": "function",
         "function": {"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}},
        {"id": "call_f5G6h7I8j", "type": "function",
         "function": {"name": "get_weather", "arguments": {"city": "東京", "days": 2}}},
    ],
}
TOOL_RESULTS = [
    {"role": "tool", "tool_call_id": "call_a1B2c3D4e", "content": "{\"temperature\": 18, \"sky\": \"cloudy\"}"},
    {"role": "tool", "tool_call_id": "call_f5G6h7I8j", "content": "{\"temperature\": 22.5, \"sky\": \"sunny\"}"},
]
ASSISTANT_WEATHER = {"role": "assistant", "content": "Paris: 18 °C and cloudy. 東京: 22.5 °C and sunny."}

QWEN_TOKENS = {"eos_token": "<|im_end|>", "pad_token": "<|endoftext|>"}
LLAMA_TOKENS = {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"}
MISTRAL_TOKENS = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"}
DEEPSEEK_TOKENS = {"bos_token": "<｜begin▁of▁sentence｜>", "eos_token": "<｜end▁of▁sentence｜>"}


def chat(messages, tools=None, add_generation_prompt=True, tokens=None, **kwargs):
    """The variables transformers' apply_chat_template passes to render()."""
    variables = {"messages": messages, "tools": tools, "documents": None, "add_generation_prompt": add_generation_prompt}
    variables.update(tokens or {})
    variables.update(kwargs)
    return variables


CASES = [
    # ---- the real Qwen3 template
    ("qwen3_simple", "qwen3", chat([SYSTEM, USER_HI], tokens=QWEN_TOKENS)),
    ("qwen3_no_system_multi_turn", "qwen3",
     chat([USER_HI, ASSISTANT_FINE, {"role": "user", "content": "Tell me a joke."}], tokens=QWEN_TOKENS)),
    ("qwen3_tools", "qwen3", chat([SYSTEM, USER_WEATHER], tools=TOOLS, tokens=QWEN_TOKENS)),
    ("qwen3_tools_no_system", "qwen3", chat([USER_WEATHER], tools=TOOLS, tokens=QWEN_TOKENS)),
    ("qwen3_tool_calls_and_results", "qwen3",
     chat([SYSTEM, USER_WEATHER, TOOL_CALLS_DICT, *TOOL_RESULTS, ASSISTANT_WEATHER,
           {"role": "user", "content": "Thanks! And tomorrow?"}], tools=TOOLS, tokens=QWEN_TOKENS)),
    ("qwen3_tool_call_string_arguments", "qwen3",
     chat([USER_WEATHER, {"role": "assistant", "content": "Let me check.", "tool_calls": [
         {"type": "function", "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}}]},
           TOOL_RESULTS[0]], tools=TOOLS, tokens=QWEN_TOKENS)),
    ("qwen3_pending_tool_turn", "qwen3",
     chat([USER_WEATHER, TOOL_CALLS_DICT, *TOOL_RESULTS], tools=TOOLS, tokens=QWEN_TOKENS)),
    ("qwen3_enable_thinking_false", "qwen3", chat([USER_HI], tokens=QWEN_TOKENS, enable_thinking=False)),
    ("qwen3_enable_thinking_true", "qwen3", chat([USER_HI], tokens=QWEN_TOKENS, enable_thinking=True)),
    ("qwen3_reasoning_content", "qwen3",
     chat([USER_WEATHER, {"role": "assistant", "content": "", "reasoning_content": "\nI should call the tool.\n",
                          "tool_calls": TOOL_CALLS_DICT["tool_calls"][:1]},
           TOOL_RESULTS[0],
           {"role": "assistant", "content": "It is 18 °C.", "reasoning_content": "The tool said 18."}],
          tools=TOOLS, tokens=QWEN_TOKENS, add_generation_prompt=False)),
    ("qwen3_think_inline_in_content", "qwen3",
     chat([USER_HI, {"role": "assistant", "content": "<think>\nold reasoning\n</think>\n\nOld answer."},
           {"role": "user", "content": "Again?"},
           {"role": "assistant", "content": "<think>\nnew reasoning\n</think>\n\nNew answer."}],
          tokens=QWEN_TOKENS, add_generation_prompt=False)),
    ("qwen3_user_text_is_data", "qwen3",
     chat([{"role": "user", "content": "{{ 7*7 }} {% if true %}x{% endif %} {# c #} 你好 😀 <|im_end|>"}],
          tokens=QWEN_TOKENS)),
    ("qwen3_tool_response_in_user_message", "qwen3",
     chat([USER_WEATHER, {"role": "assistant", "content": "Checking."},
           {"role": "user", "content": "<tool_response>\n{\"ok\": true}\n</tool_response>"},
           {"role": "assistant", "content": "<think>\nhm\n</think>\n\nDone."}],
          tokens=QWEN_TOKENS, add_generation_prompt=False)),
    ("qwen3_no_generation_prompt", "qwen3", chat([USER_HI, ASSISTANT_FINE], tokens=QWEN_TOKENS,
                                                 add_generation_prompt=False)),
    # ---- Llama 3.1 style
    ("llama31_system_user", "llama31_style", chat([SYSTEM, USER_HI], tokens=LLAMA_TOKENS)),
    ("llama31_no_system_multi_turn", "llama31_style",
     chat([USER_HI, ASSISTANT_FINE, {"role": "user", "content": "  padded  "}], tokens=LLAMA_TOKENS)),
    ("llama31_tools_in_user_message", "llama31_style", chat([SYSTEM, USER_WEATHER], tools=TOOLS, tokens=LLAMA_TOKENS)),
    ("llama31_tools_in_system", "llama31_style",
     chat([USER_WEATHER], tools=[WEATHER_TOOL], tokens=LLAMA_TOKENS, tools_in_user_message=False,
          date_string="01 Feb 2026")),
    ("llama31_tool_call_and_ipython", "llama31_style",
     chat([USER_WEATHER, {"role": "assistant", "tool_calls": TOOL_CALLS_DICT["tool_calls"][:1]},
           {"role": "tool", "content": {"temperature": 18, "sky": "cloudy"}},
           {"role": "ipython", "content": "plain text result"}], tools=TOOLS, tokens=LLAMA_TOKENS)),
    ("llama31_error_two_tool_calls", "llama31_style",
     chat([USER_WEATHER, TOOL_CALLS_DICT], tokens=LLAMA_TOKENS)),
    ("llama31_error_tools_without_user", "llama31_style", chat([SYSTEM], tools=TOOLS, tokens=LLAMA_TOKENS)),
    # ---- Mistral style
    ("mistral_basic", "mistral_style", chat([USER_HI, ASSISTANT_FINE, {"role": "user", "content": "More."}],
                                            tokens=MISTRAL_TOKENS)),
    ("mistral_system_and_tools", "mistral_style",
     chat([SYSTEM, USER_HI, ASSISTANT_FINE, USER_WEATHER], tools=TOOLS, tokens=MISTRAL_TOKENS)),
    ("mistral_tool_calls", "mistral_style",
     chat([USER_WEATHER, {"role": "assistant", "tool_calls": [
         {"id": "a1B2c3D4e", "type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]},
           {"role": "tool", "tool_call_id": "a1B2c3D4e", "content": {"content": 18}},
           {"role": "assistant", "content": " It is 18. "}], tools=TOOLS, tokens=MISTRAL_TOKENS)),
    ("mistral_error_alternation", "mistral_style", chat([USER_HI, USER_HI], tokens=MISTRAL_TOKENS)),
    ("mistral_error_tool_call_id", "mistral_style",
     chat([USER_WEATHER, {"role": "assistant", "tool_calls": [
         {"id": "short", "type": "function", "function": {"name": "get_weather", "arguments": {}}}]}],
          tokens=MISTRAL_TOKENS)),
    ("mistral_error_unknown_role", "mistral_style", chat([{"role": "critic", "content": "?"}], tokens=MISTRAL_TOKENS)),
    # ---- DeepSeek style
    ("deepseek_basic", "deepseek_style", chat([SYSTEM, USER_HI], tokens=DEEPSEEK_TOKENS)),
    ("deepseek_multi_turn_think", "deepseek_style",
     chat([SYSTEM, {"role": "system", "content": "Be brief."}, USER_HI,
           {"role": "assistant", "content": "<think>reasoning</think>Fine."}, {"role": "user", "content": "Why?"}],
          tokens=DEEPSEEK_TOKENS)),
    ("deepseek_tool_calls", "deepseek_style",
     chat([USER_WEATHER, {"role": "assistant", "content": None, "tool_calls": [
         {"type": "function", "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}},
         {"type": "function", "function": {"name": "get_weather", "arguments": "{\"city\": \"東京\"}"}}]},
           *TOOL_RESULTS], tokens=DEEPSEEK_TOKENS)),
    ("deepseek_tool_then_answer", "deepseek_style",
     chat([USER_WEATHER, {"role": "assistant", "content": "Checking.", "tool_calls": [
         {"type": "function", "function": {"name": "get_weather", "arguments": "{}"}}]},
           TOOL_RESULTS[0], ASSISTANT_WEATHER, {"role": "user", "content": "ok"}],
          tokens=DEEPSEEK_TOKENS, add_generation_prompt=False)),
    # ---- interpreter features
    ("features_macros", "features_macros", chat([{"role": "system", "content": "  sys text  "}, USER_HI, ASSISTANT_FINE],
                                                 tools=TOOLS)),
    ("features_loops", "features_loops", chat([SYSTEM, USER_HI, ASSISTANT_FINE, USER_WEATHER])),
    ("features_whitespace", "features_whitespace", chat([USER_HI])),
    ("features_strings", "features_strings", chat([{"role": "user", "content": "  \n padded text \t\n"}])),
    ("features_values", "features_values", chat([SYSTEM, USER_HI, ASSISTANT_FINE])),
    ("features_tojson", "features_tojson", chat([USER_WEATHER], tools=TOOLS)),
]


def main():
    env = environment()
    out_cases = []
    golden_dir = os.path.join(HERE, "golden")
    os.makedirs(golden_dir, exist_ok=True)
    for name, template_name, variables in CASES:
        with open(os.path.join(HERE, "source", template_name + ".jinja"), encoding="utf-8") as f:
            template = env.from_string(f.read())
        case = {"name": name, "template": template_name, "vars": variables}
        try:
            rendered = template.render(**variables)
            with open(os.path.join(golden_dir, name + ".txt"), "w", encoding="utf-8", newline="") as f:
                f.write(rendered)
            case["expected"] = "golden/" + name + ".txt"
        except TemplateError as e:
            case["raised"] = str(e)
        out_cases.append(case)
    with open(os.path.join(HERE, "cases.json"), "w", encoding="utf-8") as f:
        json.dump({"generator": "jinja2 " + jinja2.__version__, "cases": out_cases}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"{len(out_cases)} cases written with jinja2 {jinja2.__version__}")


if __name__ == "__main__":
    main()
