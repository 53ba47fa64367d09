import { describe, expect, it } from "vitest";
import {
  extractPython,
  isPythonPath,
  MAX_PYTHON_SOURCE_LENGTH,
  PYTHON_EXTRACTOR_VERSION,
} from "../../../../src/core/acc/languages/python.ts";

type Row = [line: number, kind: string, level: number, specifier: string, names?: string[]];

/** The imports of `source` as compact rows, failing on any syntax error. */
function rows(source: string): Row[] {
  const result = extractPython("m.py", source);
  expect(result.error).toBeUndefined();
  return result.imports.map((i) => {
    const row: Row = [i.line, i.kind, i.level ?? -1, i.specifier];
    if (i.names !== undefined) row.push([...i.names]);
    return row;
  });
}

function lines(...text: string[]): string {
  return `${text.join("\n")}\n`;
}

describe("extractPython: import statements", () => {
  it("ACC-001: `import os, sys, json` gives three imports", () => {
    expect(rows("import os, sys, json\n")).toEqual([
      [1, "import", 0, "os"],
      [1, "import", 0, "sys"],
      [1, "import", 0, "json"],
    ]);
  });

  it("reads dotted names, aliases and several names per statement", () => {
    expect(rows(lines("import a.b", "import a.b as c, d", "import  x . y  as  z"))).toEqual([
      [1, "import", 0, "a.b"],
      [2, "import", 0, "a.b"],
      [2, "import", 0, "d"],
      [3, "import", 0, "x.y"],
    ]);
  });

  it("reads from-imports: plain, aliased, parenthesized over several lines, star", () => {
    const source = lines(
      "from a.b import c",
      "from a.b import c as cc, d",
      "from pkg.mod import (",
      "    first,",
      "    second as other,  # a comment",
      "    third,",
      ")",
      "from os.path import *",
    );
    expect(rows(source)).toEqual([
      [1, "import", 0, "a.b", ["c"]],
      [2, "import", 0, "a.b", ["c", "d"]],
      [3, "import", 0, "pkg.mod", ["first", "second", "third"]],
      [8, "import", 0, "os.path", ["*"]],
    ]);
  });

  it("ACC-004/005: relative imports with any number of dots are recorded", () => {
    const source = lines(
      "from . import x",
      "from .. import y, z",
      "from .mod import a",
      "from ...a.b import c",
      "from .... import deep",
      "from .import tight",
      "from . mod import spaced",
    );
    expect(rows(source)).toEqual([
      [1, "import", 1, "", ["x"]],
      [2, "import", 2, "", ["y", "z"]],
      [3, "import", 1, "mod", ["a"]],
      [4, "import", 3, "a.b", ["c"]],
      [5, "import", 4, "", ["deep"]],
      [6, "import", 1, "", ["tight"]],
      [7, "import", 1, "mod", ["spaced"]],
    ]);
  });

  it("finds imports in functions, classes, try/except, after `;` and on compound-statement lines", () => {
    const source = lines(
      "try:",
      "    import fast_json as json",
      "except ImportError:",
      "    import json",
      "class Model:",
      "    from base import Base",
      "    def load(self):",
      "        import pickle; import shelve",
      "        return pickle",
      "if sys.platform == 'win32': import winreg",
      "else: import posix",
      "with ctx: from a import b",
      "async def f():",
      "    from . import helper",
    );
    expect(rows(source)).toEqual([
      [2, "import", 0, "fast_json"],
      [4, "import", 0, "json"],
      [6, "import", 0, "base", ["Base"]],
      [8, "import", 0, "pickle"],
      [8, "import", 0, "shelve"],
      [10, "import", 0, "winreg"],
      [11, "import", 0, "posix"],
      [12, "import", 0, "a", ["b"]],
      [14, "import", 1, "", ["helper"]],
    ]);
  });

  it("follows backslash continuations and reports the line where the statement starts", () => {
    expect(rows(lines("import a, \\", "    b", "from c \\", "    import d"))).toEqual([
      [1, "import", 0, "a"],
      [1, "import", 0, "b"],
      [3, "import", 0, "c", ["d"]],
    ]);
  });

  it("does not take `yield from` and `raise … from` for imports", () => {
    const source = lines(
      "def g():",
      "    yield from other()",
      "    raise ValueError() from err",
      "import real",
    );
    expect(rows(source)).toEqual([[4, "import", 0, "real"]]);
  });
});

describe("extractPython: strings, comments and docstrings are not code", () => {
  it("ignores imports inside every kind of string and comment", () => {
    const source = lines(
      '"""Module docstring.',
      "import in_docstring",
      '"""',
      "# import in_comment",
      "a = 'import in_single'",
      'b = "from x import in_double"',
      "c = r'\\' import in_raw'",
      "d = b'import in_bytes'",
      "e = '''",
      "import in_triple_single",
      "'''",
      'f = rb"""from z import in_raw_bytes"""',
      'g = U"import in_upper" Rb"import x" BR"import y" Fr"import {z}"',
      "def h():",
      "    '''import in_function_docstring'''",
      "    return 1",
      "import after_strings",
    );
    expect(rows(source)).toEqual([[17, "import", 0, "after_strings"]]);
  });

  it("handles escaped quotes and line continuations inside strings", () => {
    const source = lines("s = 'it\\'s \\", "import still_string'", 't = "a\\\\"', "import real");
    expect(rows(source)).toEqual([[4, "import", 0, "real"]]);
  });

  it("tokenizes f-strings, including Python 3.12 nested quotes and format specs", () => {
    const source = lines(
      'a = f"{x!r:>{width}} {{literal}} {y=}"',
      "b = f\"{'import nope'}\"",
      'c = f"{d["key"]}"', // 3.12: same quotes nested
      'e = f"{f"{f"{1}"}"}"', // 3.12: arbitrary nesting
      'g = f"""',
      "import in_fstring_text {value}",
      '"""',
      'h = f"\\N{BULLET} {value}"',
      "i = rf'\\{value}'",
      'j = f"{lambda_result:{"<" if left else ">"}10}"',
      'k = f"{ {"a": 1}["a"] }"',
      "import after_fstrings",
    );
    expect(rows(source)).toEqual([[12, "import", 0, "after_fstrings"]]);
  });

  it("finds dynamic imports inside f-string replacement fields", () => {
    expect(rows('print(f"{__import__("platform").system()}")\n')).toEqual([[1, "dynamic", 0, "platform"]]);
  });
});

describe("extractPython: TYPE_CHECKING blocks", () => {
  it("marks imports under `if TYPE_CHECKING:` as type, and only those", () => {
    const source = lines(
      "from typing import TYPE_CHECKING",
      "if TYPE_CHECKING:",
      "    from app.models import User",
      "",
      "    # comment lines do not end the block",
      "    import app.services",
      "    if sys.version_info > (3, 10):",
      "        import nested_type",
      "import runtime_after",
      "if typing.TYPE_CHECKING:",
      "    import via_attribute",
      "else:",
      "    import runtime_else",
      "if TYPE_CHECKING: import inline_one; import inline_two",
      "import runtime_next_line",
      "if DEBUG:",
      "    pass",
      "elif TYPE_CHECKING:",
      "    import in_elif",
      "if not TYPE_CHECKING:",
      "    import runtime_not",
    );
    expect(rows(source)).toEqual([
      [1, "import", 0, "typing", ["TYPE_CHECKING"]],
      [3, "type", 0, "app.models", ["User"]],
      [6, "type", 0, "app.services"],
      [8, "type", 0, "nested_type"],
      [9, "import", 0, "runtime_after"],
      [11, "type", 0, "via_attribute"],
      [13, "import", 0, "runtime_else"],
      [14, "type", 0, "inline_one"],
      [14, "type", 0, "inline_two"],
      [15, "import", 0, "runtime_next_line"],
      [19, "type", 0, "in_elif"],
      [21, "import", 0, "runtime_not"],
    ]);
  });

  it("tracks TYPE_CHECKING blocks nested in functions and classes by indentation", () => {
    const source = lines(
      "class A:",
      "    if TYPE_CHECKING:",
      "        from b import B",
      "    def f(self):",
      "        import runtime_in_method",
      "def g():",
      "\tif TYPE_CHECKING:",
      "\t\timport tabbed_type",
      "\timport tabbed_runtime",
    );
    expect(rows(source)).toEqual([
      [3, "type", 0, "b", ["B"]],
      [5, "import", 0, "runtime_in_method"],
      [8, "type", 0, "tabbed_type"],
      [9, "import", 0, "tabbed_runtime"],
    ]);
  });
});

describe("extractPython: dynamic imports", () => {
  it("reads importlib.import_module and __import__ with literal names", () => {
    const source = lines(
      "import importlib",
      'a = importlib.import_module("plugins.csv")',
      "b = __import__('json')",
      "c = importlib.import_module(name_variable)",
      'd = importlib.import_module(f"plugins.{kind}")',
      'e = __import__("os" + suffix)',
      'f = importlib.import_module("plug" "ins.x")',
      "g = importlib.import_module(",
      '    "multi.line",',
      ")",
    );
    expect(rows(source)).toEqual([
      [1, "import", 0, "importlib"],
      [2, "dynamic", 0, "plugins.csv"],
      [3, "dynamic", 0, "json"],
      [7, "dynamic", 0, "plugins.x"],
      [8, "dynamic", 0, "multi.line"],
    ]);
  });

  it("follows `from importlib import import_module` and aliases bound earlier in the file", () => {
    const source = lines(
      "from importlib import import_module",
      "from importlib import import_module as load",
      "import importlib as il",
      'import_module("direct")',
      'load("through_alias")',
      'il.import_module("through_module_alias")',
      'other.import_module("not_importlib")',
      'self.__import__("not_builtin")',
      "def import_module(name): pass",
    );
    expect(rows(source)).toEqual([
      [1, "import", 0, "importlib", ["import_module"]],
      [2, "import", 0, "importlib", ["import_module"]],
      [3, "import", 0, "importlib"],
      [4, "dynamic", 0, "direct"],
      [5, "dynamic", 0, "through_alias"],
      [6, "dynamic", 0, "through_module_alias"],
    ]);
  });

  it("resolves relative names with a literal package, and keeps `__package__` relative", () => {
    const source = lines(
      'importlib.import_module(".sub", "pkg.inner")',
      'importlib.import_module("..sibling", package="pkg.inner")',
      'importlib.import_module(".local", __package__)',
      'importlib.import_module(".unknown", some_variable)',
      '__import__("rel", globals(), locals(), [], 1)',
      '__import__("lvl", level=2)',
      '__import__("computed", level=n)',
    );
    expect(rows(source)).toEqual([
      [1, "dynamic", 0, "pkg.inner.sub"],
      [2, "dynamic", 0, "pkg.sibling"],
      [3, "dynamic", 1, "local"],
      [5, "dynamic", 1, "rel"],
      [6, "dynamic", 2, "lvl"],
    ]);
  });

  it("marks dynamic imports inside TYPE_CHECKING as type", () => {
    expect(rows(lines("if TYPE_CHECKING:", '    importlib.import_module("t")'))).toEqual([
      [2, "type", 0, "t"],
    ]);
  });
});

describe("extractPython: syntax errors", () => {
  function failure(source: string): { message: string; line?: number; column?: number; imports: number } {
    const result = extractPython("broken.py", source);
    expect(result.error).toBeDefined();
    return { ...result.error!, imports: result.imports.length };
  }

  it("ACC-028: reports an unterminated string with its position and keeps the imports before it", () => {
    const source = lines("import os", "import sys", "x = 'never closed", "import later");
    expect(failure(source)).toEqual({
      message: "unterminated string literal",
      line: 3,
      column: 5,
      imports: 2,
    });
  });

  it("reports unterminated triple-quoted strings and f-strings", () => {
    expect(failure('x = """open\nimport a\n')).toMatchObject({
      message: "unterminated triple-quoted string literal",
      line: 1,
      column: 5,
    });
    expect(failure('import a\ny = f"{a}\n')).toMatchObject({
      message: "unterminated f-string literal",
      line: 2,
    });
  });

  it("reports unbalanced and mismatched brackets", () => {
    expect(failure("import a\nx = (1,\n     2\n")).toMatchObject({
      message: "'(' was never closed",
      line: 2,
      column: 5,
    });
    expect(failure("x = 1)\n")).toMatchObject({ message: "unmatched ')'", line: 1, column: 6 });
    expect(failure("x = [1,\n2)\n")).toMatchObject({
      message: "closing parenthesis ')' does not match opening parenthesis '[' on line 1",
      line: 2,
      column: 2,
    });
  });

  it("reports bad indentation", () => {
    expect(failure("if x:\n        a = 1\n    b = 2\n")).toMatchObject({
      message: "unindent does not match any outer indentation level",
      line: 3,
    });
    expect(failure("import a\n    import b\n")).toMatchObject({
      message: "unexpected indent",
      line: 2,
      column: 5,
    });
    expect(failure("def f():\nimport b\n")).toMatchObject({ message: "expected an indented block", line: 2 });
    expect(failure("class A:\n")).toMatchObject({ message: "expected an indented block" });
    expect(failure("if x:\n        a = 1\n\tb = 2\n")).toMatchObject({
      message: "inconsistent use of tabs and spaces in indentation",
      line: 3,
    });
  });

  it("reports malformed import statements and stray characters", () => {
    expect(failure("import\n")).toMatchObject({ message: "invalid syntax in import statement", line: 1 });
    expect(failure("from a import\n")).toMatchObject({
      message: "invalid syntax in import statement",
      line: 1,
    });
    expect(failure("from a import (b, c\nx = 1\n")).toMatchObject({ message: "'(' was never closed" });
    expect(failure("import a b\n")).toMatchObject({
      message: "invalid syntax in import statement",
      column: 10,
    });
    expect(failure("x = 1 $ 2\n")).toMatchObject({ message: "invalid character '$'", line: 1, column: 7 });
    expect(failure("x = 1 \\ 2\n")).toMatchObject({
      message: "unexpected character after line continuation character",
    });
    expect(failure("import a\nx = '\u0000'\n")).toEqual({
      message: "source code cannot contain null bytes",
      line: 2,
      column: 6,
      imports: 0,
    });
  });

  it("refuses files over the size limit without reading them", () => {
    const result = extractPython("huge.py", "#".repeat(MAX_PYTHON_SOURCE_LENGTH + 1));
    expect(result.imports).toEqual([]);
    expect(result.error?.message).toMatch(/^file too large/);
  });
});

describe("extractPython: metadata", () => {
  it("exposes a version and recognises Python paths", () => {
    expect(PYTHON_EXTRACTOR_VERSION).toMatch(/^py-\d+$/);
    expect(isPythonPath("a/b.py")).toBe(true);
    expect(isPythonPath("a/b.pyi")).toBe(true);
    expect(isPythonPath("a/b.pyc")).toBe(false);
    expect(isPythonPath("a/py")).toBe(false);
  });

  it("handles CRLF and CR line endings, a BOM, and form feeds", () => {
    expect(rows("\uFEFFimport a\r\nif TYPE_CHECKING:\r\n    import b\r\nimport c\r\n")).toEqual([
      [1, "import", 0, "a"],
      [3, "type", 0, "b"],
      [4, "import", 0, "c"],
    ]);
    expect(rows("import a\rimport b\r")).toEqual([
      [1, "import", 0, "a"],
      [2, "import", 0, "b"],
    ]);
    expect(rows("import a\n\f\nimport b\n")).toEqual([
      [1, "import", 0, "a"],
      [3, "import", 0, "b"],
    ]);
  });

  it("accepts Unicode identifiers", () => {
    expect(rows("import modulé\nfrom 包 import 名前\n")).toEqual([
      [1, "import", 0, "modulé"],
      [2, "import", 0, "包", ["名前"]],
    ]);
  });
});
