/**
 * The one Python string-literal decoder against CPython's own `ast`: a corpus of edge cases
 * (escapes CPython refuses, `\N{…}`, CRLF continuations and line breaks, bytes, f-strings),
 * then every string literal of the machine's Python standard library that holds an escape,
 * a brace, a carriage return, a non-ASCII character or a bytes prefix.
 *
 * Agreement means: where CPython gives a value, ours is the same; where CPython refuses the
 * literal or the f-string has replacement fields, ours is unknown. The one explained
 * remainder: `\N{name}` needs the Unicode name table, so ours is unknown where CPython
 * knows the character; those are counted, and nothing else may differ.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type LiteralValue, literalValue } from "../../../src/core/python/string-literal.ts";
import { pythonTokenList } from "../../../src/core/python/token-list.ts";

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "literal_values.py");

type CPythonValue = { str: string } | { bytes: string } | { fields: true } | { error: string };

function cpythonValues(texts: readonly string[]): CPythonValue[] {
  const out = execFileSync("python3", [SCRIPT], {
    input: JSON.stringify(texts),
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(out) as CPythonValue[];
}

const NAMED_ESCAPE = /(?<!\\)(?:\\\\)*\\N\{/;

/** Why ours and CPython's differ for `text`, or null when they agree. */
function disagreement(text: string, ours: LiteralValue, python: CPythonValue): string | null {
  if ("str" in python || "bytes" in python) {
    const expected = "str" in python ? python.str : python.bytes;
    if (ours.known && ours.value === expected) return null;
    if (!ours.known && ours.reason.includes("\\N{") && NAMED_ESCAPE.test(text)) return "named";
    return `${JSON.stringify(text)}: CPython ${JSON.stringify(expected)}, ours ${JSON.stringify(ours)}`;
  }
  if ("fields" in python) {
    const unknownForAReason =
      !ours.known && (ours.reason === "the f-string has substitutions" || ours.reason.includes("\\N{"));
    return unknownForAReason
      ? null
      : `${JSON.stringify(text)}: CPython has fields, ours ${JSON.stringify(ours)}`;
  }
  return ours.known
    ? `${JSON.stringify(text)}: CPython refuses it (${python.error}), ours ${JSON.stringify(ours)}`
    : null;
}

function compare(texts: readonly string[]): { mismatches: string[]; named: number } {
  const python = cpythonValues(texts);
  const mismatches: string[] = [];
  let named = 0;
  texts.forEach((text, i) => {
    const why = disagreement(text, literalValue(text, 0, text.length), python[i]!);
    if (why === "named") named++;
    else if (why !== null) mismatches.push(why);
  });
  return { mismatches, named };
}

const EDGE_CASES = [
  `"plain"`,
  String.raw`'\\ \' \" \a \b \f \n \r \t \v'`,
  String.raw`"\0 \7 \12 \101 \777 \1234"`,
  String.raw`b"\0 \101 \377 \400 \777"`,
  String.raw`"\x41\x7e\xff"`,
  String.raw`"\x4"`,
  String.raw`"\xg0"`,
  String.raw`b"\x4"`,
  String.raw`b"\xZZ"`,
  String.raw`"\u00e9\u20ac"`,
  String.raw`"\u12"`,
  String.raw`"\U0001F600"`,
  String.raw`"\U00110000"`,
  String.raw`"\U0010FFFF"`,
  String.raw`"\ud83d\ude00"`,
  String.raw`b"\u1234 \U00012345 \N{BULLET}"`,
  String.raw`"\N{BULLET}"`,
  String.raw`"\\N{BULLET}"`,
  String.raw`r"\N{BULLET}"`,
  String.raw`"\d \w \s \% \{"`,
  String.raw`r"\d+\x4\u12"`,
  String.raw`rb"\x4"`,
  String.raw`Rb'\n'`,
  String.raw`u"\t"`,
  String.raw`b"caf\xc3\xa9"`,
  'b"café"',
  '"a\\\nb"',
  '"a\\\r\nb"',
  '"a\\\rb"',
  '"""a\r\nb\rc\nd"""',
  'r"""a\r\nb"""',
  "'''x\\\r\ny'''",
  'f"plain {{braces}}"',
  'f"{x}"',
  'f"{x!r:>{width}} {{literal}}"',
  'f"a\\N{BULLET}b"',
  'f"\\{6}"',
  'f"\\{{6}}"',
  'f"\\}}"',
  'rf"\\{{x}}"',
  'rf"\\d{{2}}"',
  'f"\\x41\\t"',
  'f"\\x4"',
  'f"""a\r\nb"""',
  'F"\\u00e9"',
];

describe("literalValue agrees with CPython's ast", () => {
  it("on escape, line-break, bytes and f-string edge cases", () => {
    const { mismatches, named } = compare(EDGE_CASES);
    expect(mismatches).toEqual([]);
    expect(named).toBe(2); // "\N{BULLET}" and f"a\N{BULLET}b"
  });

  it("on every interesting string literal of the Python standard library", { timeout: 120_000 }, () => {
    const stdlib = execFileSync(
      "python3",
      ["-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"],
      {
        encoding: "utf8",
      },
    ).trim();
    const texts = new Set<string>();
    for (const path of pythonFiles(stdlib)) {
      for (const token of pythonTokenList(readFileSync(path, "utf8")).tokens) {
        if (token.type === "string" && /[\\{}\r\u0080-\uffff]|^[a-zA-Z]*[bB]/.test(token.raw))
          texts.add(token.raw);
      }
    }
    expect(texts.size).toBeGreaterThan(10_000);
    const { mismatches, named } = compare([...texts]);
    console.log(
      `[string literals] ${texts.size} stdlib literals compared; ${named} with \\N{…} left unknown`,
    );
    expect(mismatches.slice(0, 20)).toEqual([]);
  });
});

function pythonFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!["site-packages", "dist-packages", "__pycache__"].includes(entry.name)) walk(path);
      } else if (entry.name.endsWith(".py")) out.push(path);
    }
  };
  walk(root);
  return out.sort();
}
