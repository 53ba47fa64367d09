/** Values of Python string literal tokens, and module-name checks for dynamic imports. */
import { stringLiteralShape } from "./py-tokenizer.ts";

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  a: "\u0007",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
};

/**
 * The value of one str literal token (prefix and quotes included in `start..end`), or
 * undefined when it holds an escape this reader does not decode (`\N{name}`).
 */
export function stringLiteralValue(source: string, start: number, end: number): string | undefined {
  const shape = stringLiteralShape(source, start, end);
  const body = source.slice(shape.bodyStart, shape.bodyEnd);
  if (shape.raw || !body.includes("\\")) return body;
  let out = "";
  let i = 0;
  while (i < body.length) {
    const c = body[i] ?? "";
    if (c !== "\\") {
      out += c;
      i++;
      continue;
    }
    const e = body[i + 1] ?? "";
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out += simple;
      i += 2;
    } else if (e === "\n") {
      i += 2;
    } else if (e === "\r") {
      i += body[i + 2] === "\n" ? 3 : 2;
    } else if (e >= "0" && e <= "7") {
      let j = i + 1;
      while (j < i + 4 && (body[j] ?? "") >= "0" && (body[j] ?? "") <= "7") j++;
      out += String.fromCodePoint(Number.parseInt(body.slice(i + 1, j), 8));
      i = j;
    } else if (e === "x" || e === "u" || e === "U") {
      const digits = e === "x" ? 2 : e === "u" ? 4 : 8;
      const hex = body.slice(i + 2, i + 2 + digits);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== digits) return undefined;
      const code = Number.parseInt(hex, 16);
      if (code > 0x10ffff) return undefined;
      out += String.fromCodePoint(code);
      i += 2 + digits;
    } else if (e === "N") {
      return undefined;
    } else {
      out += `\\${e}`;
      i += 2;
    }
  }
  return out;
}

const DOTTED_NAME = /^[\p{ID_Start}_][\p{ID_Continue}]*(?:\.[\p{ID_Start}_][\p{ID_Continue}]*)*$/u;

/** True for `a`, `a.b_c`: what `str.isidentifier()` accepts for every dot-separated part. */
export function isDottedModuleName(name: string): boolean {
  return DOTTED_NAME.test(name);
}
