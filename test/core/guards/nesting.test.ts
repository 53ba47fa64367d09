import { describe, expect, it } from "vitest";
import { javaScriptNestingExcess, pythonNestingExcess } from "../../../src/core/guards/nesting.ts";

describe("javaScriptNestingExcess", () => {
  it("names the line and column of the bracket that goes past the limit", () => {
    const source = `const a = 1;\nconst b = ${"(".repeat(4)}1${")".repeat(4)};\n`;
    expect(javaScriptNestingExcess(source, 3)).toEqual({ line: 2, column: 14, limit: 3 });
    expect(javaScriptNestingExcess(source, 4)).toBeNull();
  });

  it("does not count brackets in strings, comments, regex and template text", () => {
    const source = [
      `const s = "((((" + '[[[[';`,
      "// {{{{",
      "/* (((( */",
      "const r = /[(((]((/g;",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: source text under test
      "const t = `{{{{ ${ f(1) } ((((`;",
      "f(g(1));",
    ].join("\n");
    expect(javaScriptNestingExcess(source, 2)).toBeNull();
    expect(javaScriptNestingExcess(`${source}\nf(g(h(1)));`, 2)).toEqual({ line: 7, column: 6, limit: 2 });
  });

  it("counts a template's substitutions as levels, at their `${`", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: source text under test
    const source = "x = `a${`b${`c${1}`}`}`;";
    expect(javaScriptNestingExcess(source, 3)).toBeNull();
    expect(javaScriptNestingExcess(source, 2)).toEqual({ line: 1, column: 15, limit: 2 });
  });

  it("tells a division from a regex by what comes before the slash", () => {
    // After `x` the slash divides, so the brackets after it count; after `(` it starts a regex.
    expect(javaScriptNestingExcess("y = x / ((1)) / 2;", 1)).toEqual({ line: 1, column: 10, limit: 1 });
    expect(javaScriptNestingExcess("f(/((/);", 1)).toBeNull();
  });
});

describe("pythonNestingExcess", () => {
  it("skips strings and comments, counts the rest", () => {
    const source = `x = "((((" # [[[[\ny = f((1))\n'''\n{{{{\n'''\n`;
    expect(pythonNestingExcess(source, 2)).toBeNull();
    expect(pythonNestingExcess(source, 1)).toEqual({ line: 2, column: 7, limit: 1 });
  });
});
