"""CPython's value of each Python string literal read from stdin (a JSON list of source texts).

Prints a JSON list, one entry per text:
  {"str": value} | {"bytes": value as Latin-1 text} | {"fields": true} (an f-string with
  replacement fields) | {"error": message} (CPython refuses the literal).
Used by string-literal.test.ts to pin src/core/python/string-literal.ts against CPython.
"""
import ast
import json
import sys
import warnings


def value_of(text):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            node = ast.parse(text, mode="eval").body
    except SyntaxError as error:
        return {"error": str(error.msg)}
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {"str": node.value}
    if isinstance(node, ast.Constant) and isinstance(node.value, bytes):
        return {"bytes": node.value.decode("latin-1")}
    if isinstance(node, ast.JoinedStr):
        if all(isinstance(part, ast.Constant) for part in node.values):
            return {"str": "".join(part.value for part in node.values)}
        return {"fields": True}
    return {"error": "not a string literal: " + type(node).__name__}


def main():
    texts = json.load(sys.stdin)
    json.dump([value_of(text) for text in texts], sys.stdout)


if __name__ == "__main__":
    main()
