"""Whitespace-control corpus: random nestings of if/else/for/set/comment/print tags with every combination of
'-' and '+' markers and surrounding spaces, tabs and newlines, rendered by Jinja2 configured like transformers
(trim_blocks, lstrip_blocks). Writes whitespace.json (800 cases by default) for ChatTemplateDifferentialTest.
Usage: python3 generate_whitespace.py [seed] [count]
"""
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import generate_golden as g  # noqa: E402

random.seed(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
env = g.environment()
texts = ["", " ", "  ", "\n", "\n\n", " \n", "\n  ", "\t", "a", " b ", "\n c\n", "  d  \n  ", "x\n    ", "\n\t\n"]
def lsign(): return random.choice(["", "", "-", "+"])
def rsign(): return random.choice(["", "", "-", "+"])
def vsign(): return random.choice(["", "", "-"])
def txt(): return "".join(random.choice(texts) for _ in range(random.randint(0, 3)))
def block(depth):
    parts = []
    for _ in range(random.randint(1, 4)):
        parts.append(txt())
        r = random.random()
        if depth < 3 and r < 0.3:
            parts.append("{%" + lsign() + " if " + random.choice(["true", "false", "x"]) + " " + rsign() + "%}")
            parts.append(block(depth + 1))
            if random.random() < 0.5:
                parts.append(txt() + "{%" + lsign() + " else " + rsign() + "%}")
                parts.append(block(depth + 1))
            parts.append(txt() + "{%" + lsign() + " endif " + rsign() + "%}")
        elif depth < 3 and r < 0.45:
            parts.append("{%" + lsign() + " for i in [1, 2] " + rsign() + "%}")
            parts.append(block(depth + 1))
            parts.append(txt() + "{%" + lsign() + " endfor " + rsign() + "%}")
        elif r < 0.7:
            parts.append("{{" + vsign() + " " + random.choice(["'v'", "x", "i", "1"]) + " " + vsign() + "}}")
        elif r < 0.8:
            parts.append("{#" + lsign() + " comment " + rsign() + "#}")
        elif r < 0.9:
            parts.append("{%" + lsign() + " set y = 1 " + rsign() + "%}")
        parts.append(txt())
    return "".join(parts)
cases = []
for _ in range(int(sys.argv[2]) if len(sys.argv) > 2 else 800):
    src = block(0) + random.choice(["", "\n", "\n\n"])
    try:
        cases.append({"t": src, "o": env.from_string(src).render(x="X")})
    except Exception as ex:
        cases.append({"t": src, "err": type(ex).__name__ + ": " + str(ex)})
with open(os.path.join(HERE, "whitespace.json"), "w", encoding="utf-8") as f:
    json.dump({"vars": {"x": "X"}, "cases": cases}, f, ensure_ascii=False, indent=0)
    f.write("\n")
print(len(cases), "cases")
