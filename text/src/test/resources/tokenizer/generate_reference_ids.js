// Regenerates qwen3-reference-ids.json with @lenml/tokenizers (a transformers.js port), independent of DJL.
// Usage (outside the repo): npm pack @lenml/tokenizers && tar xzf lenml-tokenizers-*.tgz
//   node generate_reference_ids.js ./package <tokenizer dir> > qwen3-reference-ids.json
const fs = require("fs");
const path = require("path");
const { TokenizerLoader } = require(path.resolve(process.argv[2]));
const dir = process.argv[3];
const tokenizer = TokenizerLoader.fromPreTrained({
  tokenizerJSON: JSON.parse(fs.readFileSync(path.join(dir, "tokenizer.json"), "utf8")),
  tokenizerConfig: JSON.parse(fs.readFileSync(path.join(dir, "tokenizer_config.json"), "utf8")),
});
const texts = [
  "Hello, world!",
  "The quick brown fox jumps over the lazy dog.",
  "你好，世界！今天天气怎么样？",
  "日本語のテキストと한국어 텍스트",
  "Emoji: 😀👍🏽🇩🇪 👨‍👩‍👧‍👦 done",
  "ünïcödé ✓ Привет мир",
  "def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n",
  "for (int i = 0; i < n; i++) {\n\tsum += a[i];\n}",
  "a  b   c    d\n\n\n  e\t\t f",
  "   leading and trailing spaces   ",
  "\n\n\n",
  "<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n",
  "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>",
  "<think>\nreasoning\n</think>\n\nanswer<|endoftext|>",
  "Numbers 1234567890 and 3.14159, 1e-9",
  "It's we've they'll I'd you're",
  "",
  // longer than DJL's default 512-token truncation
  "The quick brown fox jumps over the lazy dog. ".repeat(120),
];
const cases = texts.map((text) => ({ text, ids: tokenizer.encode(text, { add_special_tokens: false }) }));
const lines = cases.map((c) => "  " + JSON.stringify(c));
process.stdout.write('{"tokenizer": "qwen3", "generator": "@lenml/tokenizers", "cases": [\n' + lines.join(",\n") + "\n]}\n");
