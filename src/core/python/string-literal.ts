/**
 * The value of a Python string literal token, decoded as CPython 3 decodes it — the one
 * escape table every reader of Python source uses (ACC's dynamic imports, BDV's step
 * patterns). Pinned against CPython's own `ast` by test/core/python/string-literal.test.ts.
 *
 * - Line breaks in the body are `\n` whatever the file uses (`\r\n` and `\r` are translated
 *   before decoding, as CPython's tokenizer does), also in raw strings.
 * - str: `\` + newline vanishes; `\\ \' \" \a \b \f \n \r \t \v`; octal `\ooo` (up to three
 *   digits); `\xhh`, `\uhhhh`, `\Uhhhhhhhh`. Any other escape keeps its backslash.
 * - bytes: the same without `\u`, `\U`, `\N` (they keep their backslash); an octal value
 *   keeps its low eight bits; only ASCII characters. The value holds one character per byte.
 * - f-strings: `{{` and `}}` are braces; any replacement field makes the value unknown.
 *
 * A value is unknown, with the reason, where CPython would refuse the literal (truncated
 * `\x`, `\u`, `\U` escapes, a code point above U+10FFFF, non-ASCII bytes) and where it needs
 * data we do not carry: `\N{name}` looks the name up in the Unicode character database.
 */
import { PREFIX_BYTES, PREFIX_FORMAT, PREFIX_RAW, PREFIX_TEMPLATE, prefixFlags } from "./lexical.ts";

const CH_DQUOTE = 34;
const CH_SQUOTE = 39;

export type LiteralValue =
  | { readonly known: true; readonly value: string }
  | { readonly known: false; readonly reason: string };

export interface LiteralShape {
  /** Offset of the first character after the opening quote(s). */
  readonly bodyStart: number;
  /** Offset of the closing quote(s). */
  readonly bodyEnd: number;
  /** PREFIX_* flags of lexical.ts. */
  readonly flags: number;
}

/** Where the body of the string token `source[start..end)` lies, and its prefix flags. */
export function literalShape(source: string, start: number, end: number): LiteralShape {
  let quotePos = start;
  for (;;) {
    const c = source.charCodeAt(quotePos);
    if (c === CH_DQUOTE || c === CH_SQUOTE || quotePos >= end) break;
    quotePos++;
  }
  const quote = source.charCodeAt(quotePos);
  const triple =
    end - quotePos >= 6 &&
    source.charCodeAt(quotePos + 1) === quote &&
    source.charCodeAt(quotePos + 2) === quote;
  const quoteLength = triple ? 3 : 1;
  const flags = Math.max(0, prefixFlags(source, start, quotePos));
  return { bodyStart: quotePos + quoteLength, bodyEnd: end - quoteLength, flags };
}

/** The value of one string literal token (prefix and quotes included in `start..end`). */
export function literalValue(source: string, start: number, end: number): LiteralValue {
  const { bodyStart, bodyEnd, flags } = literalShape(source, start, end);
  if ((flags & PREFIX_TEMPLATE) !== 0) return unknown("a t-string is a template, not a str");
  let body = source.slice(bodyStart, bodyEnd);
  if (body.includes("\r")) body = body.replace(/\r\n?/g, "\n");
  const raw = (flags & PREFIX_RAW) !== 0;
  if ((flags & PREFIX_FORMAT) !== 0) return decodeFStringText(body, raw);
  if ((flags & PREFIX_BYTES) !== 0) {
    if (/[^\u0000-\u007f]/.test(body)) return unknown("bytes can only contain ASCII literal characters");
    return raw ? known(body) : decodeEscapes(body, true);
  }
  return raw ? known(body) : decodeEscapes(body, false);
}

/** The str value of a str literal token, or undefined when it cannot be known statically. */
export function stringLiteralValue(source: string, start: number, end: number): string | undefined {
  const decoded = literalValue(source, start, end);
  return decoded.known ? decoded.value : undefined;
}

function known(value: string): LiteralValue {
  return { known: true, value };
}

function unknown(reason: string): LiteralValue {
  return { known: false, reason };
}

/** The escape table: `\` + key is the value. */
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  "\n": "",
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

/** One decoded escape: its text and the offset after it, or why the literal has no value. */
type Escape = { readonly text: string; readonly next: number } | { readonly reason: string };

function decodeEscapes(body: string, bytes: boolean): LiteralValue {
  if (!body.includes("\\")) return known(body);
  let out = "";
  let i = 0;
  while (i < body.length) {
    const slash = body.indexOf("\\", i);
    if (slash === -1) {
      out += body.slice(i);
      break;
    }
    out += body.slice(i, slash);
    const decoded = decodeEscape(body, slash, bytes);
    if ("reason" in decoded) return unknown(decoded.reason);
    out += decoded.text;
    i = decoded.next;
  }
  return known(out);
}

/** The escape whose backslash is at `body[i]`. */
function decodeEscape(body: string, i: number, bytes: boolean): Escape {
  const e = body[i + 1];
  if (e === undefined) return { text: "\\", next: i + 1 };
  const simple = SIMPLE_ESCAPES[e];
  if (simple !== undefined) return { text: simple, next: i + 2 };
  if (e >= "0" && e <= "7") return octalEscape(body, i, bytes);
  if (e === "x") return hexEscape(body, i, 2, bytes);
  if (!bytes && (e === "u" || e === "U")) return hexEscape(body, i, e === "u" ? 4 : 8, bytes);
  if (!bytes && e === "N") {
    return { reason: "a \\N{…} escape names a character from the Unicode database, not decoded statically" };
  }
  return { text: `\\${e}`, next: i + 2 };
}

function octalEscape(body: string, i: number, bytes: boolean): Escape {
  let j = i + 1;
  while (j < i + 4 && (body[j] ?? "") >= "0" && (body[j] ?? "") <= "7") j++;
  const code = Number.parseInt(body.slice(i + 1, j), 8);
  return { text: String.fromCharCode(bytes ? code & 0xff : code), next: j };
}

const HEX_ESCAPE_NAMES: Readonly<Record<number, string>> = { 2: "\\xXX", 4: "\\uXXXX", 8: "\\UXXXXXXXX" };

function hexEscape(body: string, i: number, digits: number, bytes: boolean): Escape {
  const hex = body.slice(i + 2, i + 2 + digits);
  if (hex.length !== digits || !/^[0-9a-fA-F]+$/.test(hex)) {
    return { reason: bytes ? "invalid \\x escape" : `truncated ${HEX_ESCAPE_NAMES[digits]} escape` };
  }
  const code = Number.parseInt(hex, 16);
  if (code > 0x10ffff) return { reason: "illegal Unicode character in a \\U escape" };
  return { text: String.fromCodePoint(code), next: i + 2 + digits };
}

/** The literal text of an f-string body: `{{` and `}}` are braces, any field makes it unknown. */
function decodeFStringText(body: string, raw: boolean): LiteralValue {
  let text = "";
  let i = 0;
  while (i < body.length) {
    const c = body[i] ?? "";
    if (c === "{" || c === "}") {
      if (body[i + 1] !== c) return unknown("the f-string has substitutions");
      text += c;
      i += 2;
    } else if (c === "\\" && !raw && body[i + 1] !== "{" && body[i + 1] !== "}") {
      // `\{` keeps its backslash and the brace still opens a field (or `{{` a brace)
      const decoded = decodeEscape(body, i, false);
      if ("reason" in decoded) return unknown(decoded.reason);
      text += decoded.text;
      i = decoded.next;
    } else {
      text += c;
      i++;
    }
  }
  return known(text);
}
