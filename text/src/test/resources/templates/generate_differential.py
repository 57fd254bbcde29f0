"""Differential corpus: random expressions over the operators, filters, tests and methods, rendered by Jinja2
configured like transformers (see generate_golden.py). Writes differential.json; ChatTemplateDifferentialTest
requires the Java interpreter to print the same text, or to fail where Jinja2 fails.
Left out: outputs that print a generator object (they contain a memory address).
Usage: python3 generate_differential.py [seed] [count]
"""
import copy
import json
import os
import random
import sys
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import generate_golden as g  # noqa: E402
random.seed(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
env = g.environment()
VARS = {"s": "Hello World", "n": 7, "m": -3, "f": 2.5, "l": [3, 1, 2], "d": {"b": 1, "a": 2}, "e": "", "z": None,
        "t": True, "u": "日本😀 x", "ws": "  \n a b \t", "msgs": [{"role": "user", "content": "hi <think>x</think> y"}, {"role": "assistant", "content": "yo", "x": None}]}
atoms = ["s", "n", "m", "f", "l", "d", "e", "z", "t", "u", "ws", "msgs", "msgs[0]", "msgs[1].content", "missing",
         "1", "0", "-2", "3.5", "0.1", "'a'", "''", "'x y'", "[1, 2]", "[]", "{'k': 1}", "none", "true", "false", "(1, 2)",
         "l[0]", "s[1:4]", "u[::-1]", "d.a", "d['b']", "msgs|length", "l|sort", "s.split()", "ws.strip()"]
binops = ["+", "-", "*", "/", "//", "%", "~", "==", "!=", "<", ">", "<=", ">=", "in", "not in", "and", "or"]
filters = ["length", "upper", "lower", "trim", "first", "last", "list", "string", "int", "float", "abs", "tojson",
           "reverse", "sort", "unique", "join(',')", "default('D')", "title", "capitalize", "sum", "max", "min",
           "tojson(indent=2)", "items", "dictsort", "round", "wordcount", "replace('l', 'L')", "select", "map('string')",
           "batch(2)", "indent(2)", "e", "count", "d('x', true)", "selectattr('role')", "map(attribute='role')"]
tests = ["defined", "undefined", "none", "string", "number", "integer", "float", "mapping", "sequence", "iterable",
         "odd", "even", "true", "false", "boolean", "lower", "upper", "callable", "divisibleby 2", "eq 7", "in l"]
methods = ["upper()", "lower()", "strip()", "split()", "split('l')", "startswith('H')", "endswith('d')", "title()",
           "replace('o', '0')", "find('o')", "count('l')", "lstrip('H')", "rstrip('d')", "items()", "keys()",
           "values()", "get('a')", "get('zz', 5)", "index(1)", "isdigit()", "capitalize()", "rsplit(' ', 1)"]
def expr(depth=0):
    r = random.random()
    if depth > 2 or r < 0.3:
        return random.choice(atoms)
    if r < 0.5:
        return "(%s %s %s)" % (expr(depth+1), random.choice(binops), expr(depth+1))
    if r < 0.65:
        return "%s | %s" % (expr(depth+1), random.choice(filters))
    if r < 0.75:
        return "(%s is %s%s)" % (expr(depth+1), random.choice(["", "not "]), random.choice(tests))
    if r < 0.85:
        return "%s.%s" % (random.choice(["s", "u", "ws", "d", "l", "msgs[0].content", "e"]), random.choice(methods))
    if r < 0.92:
        return "(%s if %s else %s)" % (expr(depth+1), expr(depth+1), expr(depth+1))
    return "not %s" % expr(depth+1)
cases = []
for i in range(int(sys.argv[2]) if len(sys.argv) > 2 else 2000):
    if random.random() < 0.2:
        src = "{%% for x in %s %%}[{{ x }}|{{ loop.index }}{{ loop.last }}]{%% else %%}E{%% endfor %%}" % expr(1)
    else:
        src = "{{ %s }}" % expr()
    try:
        out = env.from_string(src).render(**copy.deepcopy(VARS))  # some jinja2 filters mutate their input
        if " at 0x" in out.lower():
            continue
        cases.append({"t": src, "o": out})
    except Exception as ex:
        cases.append({"t": src, "err": type(ex).__name__ + ": " + str(ex)})
with open(os.path.join(HERE, "differential.json"), "w", encoding="utf-8") as f:
    json.dump({"vars": VARS, "cases": cases}, f, ensure_ascii=False, indent=0)
    f.write("\n")
print(len(cases), "cases,", sum("err" in c for c in cases), "expected errors")
