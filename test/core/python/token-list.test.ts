import { describe, expect, it } from "vitest";
import { pythonTokenList } from "../../../src/core/python/token-list.ts";

describe("pythonTokenList", () => {
  it("decodes every string form and keeps logical lines", () => {
    const { tokens, error } = pythonTokenList(
      [
        "x = r'\\d+' \"a\\tb\" u'\\u00e9' b'raw'",
        'y = f"{name} here" + f"{{literal}}"',
        'z = """multi',
        'line""" # comment with "quote"',
        "call(1,",
        "     2)",
      ].join("\n"),
    );
    expect(error).toBeNull();
    const strings = tokens.filter((token) => token.type === "string").map((token) => token.value);
    expect(strings).toEqual(["\\d+", "a\tb", "é", "raw", null, "{literal}", "multi\nline"]);
    const lineStarts = tokens.filter((token) => token.lineStart).map((token) => [token.raw, token.line]);
    expect(lineStarts).toEqual([
      ["x", 1],
      ["y", 2],
      ["z", 3],
      ["call", 5],
    ]);
  });

  it("reports an unterminated string with its position", () => {
    expect(pythonTokenList("ok = 1\nbad = 'oops\n").error).toEqual({
      line: 2,
      column: 7,
      message: "unterminated string literal",
    });
  });

  it("reads an f-string, nested ones included, as one string token", () => {
    const { tokens } = pythonTokenList('call(f"{a:{w}} {f"{b}"}", f"{{x}}")\n');
    expect(tokens.map((token) => [token.type, token.raw, token.value])).toEqual([
      ["name", "call", null],
      ["op", "(", null],
      ["string", 'f"{a:{w}} {f"{b}"}"', null],
      ["op", ",", null],
      ["string", 'f"{{x}}"', "{x}"],
      ["op", ")", null],
      ["newline", "\n", null],
    ]);
  });

  it("says why a string has no static value", () => {
    const { tokens } = pythonTokenList('a = "\\N{BULLET}" f"{x}" "\\x4"\n');
    expect(tokens.filter((token) => token.type === "string").map((token) => token.unknownBecause)).toEqual([
      "a \\N{…} escape names a character from the Unicode database, not decoded statically",
      "the f-string has substitutions",
      "truncated \\xXX escape",
    ]);
  });

  it("marks the first token of indented logical lines and counts CRLF and CR line ends", () => {
    const source = "class Steps:\r\n    @given('a')\r    def a(self):\r\n        pass\r\n";
    const { tokens, error } = pythonTokenList(source);
    expect(error).toBeNull();
    const starts = tokens
      .filter((token) => token.lineStart)
      .map((token) => [token.raw, token.line, token.column]);
    expect(starts).toEqual([
      ["class", 1, 1],
      ["@", 2, 5],
      ["def", 3, 5],
      ["pass", 4, 9],
    ]);
  });

  it("keeps the tokens before a lexical error", () => {
    const { tokens, error } = pythonTokenList("@given('a')\ndef a():\n  pass\n x = 1\n");
    expect(error).toEqual({
      line: 4,
      column: 2,
      message: "unindent does not match any outer indentation level",
    });
    expect(tokens.map((token) => token.raw).slice(0, 4)).toEqual(["@", "given", "(", "'a'"]);
  });
});
