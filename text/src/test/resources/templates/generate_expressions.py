#!/usr/bin/env python3
"""Renders every line of expressions.txt with Jinja2 configured like transformers (see generate_golden.py) and
writes expressions.json: [{"template", "output"} | {"template", "error"}]. ChatTemplateExpressionTest checks that
the Java interpreter gives the same output, or also fails, for each line."""
import json
import os

from generate_golden import environment

HERE = os.path.dirname(os.path.abspath(__file__))
VARS = {"s": "Hello World", "n": 7, "f": 2.5, "l": [3, 1, 2], "d": {"b": 1, "a": 2}, "e": "", "none_v": None,
        "t": True, "u": "日本😀",
        "msgs": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo", "x": None}]}


def main():
    env = environment()
    out = []
    with open(os.path.join(HERE, "expressions.txt"), encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f if line.strip() and not line.startswith("#")]
    for line in lines:
        case = {"template": line}
        try:
            case["output"] = env.from_string(line).render(**VARS)
        except Exception as e:  # any jinja2 or Python error: the Java side must fail too
            case["error"] = type(e).__name__ + ": " + str(e)
        out.append(case)
    with open(os.path.join(HERE, "expressions.json"), "w", encoding="utf-8") as f:
        json.dump({"vars": VARS, "cases": out}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"{len(out)} expression cases, {sum('error' in c for c in out)} expected errors")


if __name__ == "__main__":
    main()
