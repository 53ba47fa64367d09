/**
 * A minimal Python tokenizer: enough to read decorator calls and module-level calls statically.
 * It knows names, numbers, operators, comments, every string form (prefixes, triple quotes,
 * escapes) and logical lines (newlines inside brackets do not end a statement).
 */

export type PythonTokenType = "name" | "string" | "number" | "op" | "newline";

export interface PythonToken {
  readonly type: PythonTokenType;
  /** Source text of the token. */
  readonly raw: string;
  /** For strings: the decoded value, or null when it cannot be known (an f-string with substitutions). */
  readonly value: string | null;
  readonly line: number;
  readonly column: number;
  /** True for the first token of a logical line. */
  readonly lineStart: boolean;
}

const STRING_PREFIX = /(?:[rRbBuUfF]|[rR][bBfF]|[bBfF][rR])?(?=["'])/y;
const NAME = /[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*/y;
const NUMBER =
  /(?:\d[\d_]*\.?[\d_]*(?:[eE][-+]?\d+)?|\.\d[\d_]*(?:[eE][-+]?\d+)?|0[xXoObB][\da-fA-F_]+)[jJlL]?/y;
const OPERATORS = [
  "**=",
  "//=",
  ">>=",
  "<<=",
  "...",
  "->",
  ":=",
  "**",
  "//",
  "<<",
  ">>",
  "<=",
  ">=",
  "==",
  "!=",
];

const SIMPLE_ESCAPES: Record<string, string> = {
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

export function decodePythonEscapes(body: string): string {
  let out = "";
  for (let index = 0; index < body.length; index++) {
    const char = body[index];
    if (char !== "\\" || index + 1 >= body.length) {
      out += char;
      continue;
    }
    const next = body[index + 1] ?? "";
    if (next === "\n") {
      index++;
      continue;
    }
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      out += simple;
      index++;
      continue;
    }
    const hex = next === "x" ? 2 : next === "u" ? 4 : next === "U" ? 8 : 0;
    if (
      hex > 0 &&
      /^[0-9a-fA-F]+$/.test(body.slice(index + 2, index + 2 + hex)) &&
      index + 2 + hex <= body.length
    ) {
      out += String.fromCodePoint(Number.parseInt(body.slice(index + 2, index + 2 + hex), 16));
      index += 1 + hex;
      continue;
    }
    const octal = /^[0-7]{1,3}/.exec(body.slice(index + 1));
    if (octal) {
      out += String.fromCharCode(Number.parseInt(octal[0], 8));
      index += octal[0].length;
      continue;
    }
    out += `\\${next}`;
    index++;
  }
  return out;
}

function decodeFString(body: string, raw: boolean): string | null {
  let literal = "";
  for (let index = 0; index < body.length; index++) {
    const char = body[index];
    if ((char === "{" || char === "}") && body[index + 1] === char) {
      literal += char;
      index++;
    } else if (char === "{" || char === "}") {
      return null;
    } else {
      literal += char;
    }
  }
  return raw ? literal : decodePythonEscapes(literal);
}

export interface TokenizeResult {
  readonly tokens: readonly PythonToken[];
  readonly error: { readonly line: number; readonly column: number; readonly message: string } | null;
}

export function tokenizePython(text: string): TokenizeResult {
  const tokens: PythonToken[] = [];
  let index = 0;
  let line = 1;
  let lineOffset = 0;
  let depth = 0;
  let lineStart = true;
  const push = (
    type: PythonTokenType,
    raw: string,
    value: string | null,
    start: number,
    startLine: number,
    startLineOffset: number,
  ) => {
    tokens.push({ type, raw, value, line: startLine, column: start - startLineOffset + 1, lineStart });
    lineStart = false;
  };
  while (index < text.length) {
    const char = text[index] ?? "";
    if (char === "\n") {
      if (depth === 0 && !lineStart) {
        tokens.push({
          type: "newline",
          raw: "\n",
          value: null,
          line,
          column: index - lineOffset + 1,
          lineStart: false,
        });
        lineStart = true;
      }
      index++;
      line++;
      lineOffset = index;
      continue;
    }
    if (char === " " || char === "\t" || char === "\r" || char === "\f") {
      index++;
      continue;
    }
    if (char === "#") {
      while (index < text.length && text[index] !== "\n") index++;
      continue;
    }
    if (char === "\\" && text[index + 1] === "\n") {
      index += 2;
      line++;
      lineOffset = index;
      continue;
    }
    STRING_PREFIX.lastIndex = index;
    const prefixMatch = STRING_PREFIX.exec(text);
    if (prefixMatch) {
      const start = index;
      const startLine = line;
      const startLineOffset = lineOffset;
      const prefix = prefixMatch[0].toLowerCase();
      const quoteStart = index + prefixMatch[0].length;
      const quote = text[quoteStart] ?? '"';
      const triple = text.startsWith(quote.repeat(3), quoteStart);
      const delimiter = triple ? quote.repeat(3) : quote;
      let cursor = quoteStart + delimiter.length;
      let closed = false;
      while (cursor < text.length) {
        const current = text[cursor];
        if (current === "\\") {
          if (text[cursor + 1] === "\n") {
            line++;
            lineOffset = cursor + 2;
          }
          cursor += 2;
          continue;
        }
        if (current === "\n") {
          if (!triple) break;
          line++;
          lineOffset = cursor + 1;
        }
        if (text.startsWith(delimiter, cursor)) {
          closed = true;
          break;
        }
        cursor++;
      }
      if (!closed) {
        return {
          tokens,
          error: {
            line: startLine,
            column: start - startLineOffset + 1,
            message: "unterminated string literal",
          },
        };
      }
      const body = text.slice(quoteStart + delimiter.length, cursor);
      const raw = prefix.includes("r");
      const value = prefix.includes("f") ? decodeFString(body, raw) : raw ? body : decodePythonEscapes(body);
      index = cursor + delimiter.length;
      push("string", text.slice(start, index), value, start, startLine, startLineOffset);
      continue;
    }
    NAME.lastIndex = index;
    const name = NAME.exec(text);
    if (name) {
      push("name", name[0], null, index, line, lineOffset);
      index += name[0].length;
      continue;
    }
    NUMBER.lastIndex = index;
    const number = /[\d.]/.test(char) ? NUMBER.exec(text) : null;
    if (number && number[0].length > 0) {
      push("number", number[0], null, index, line, lineOffset);
      index += number[0].length;
      continue;
    }
    const operator = OPERATORS.find((candidate) => text.startsWith(candidate, index)) ?? char;
    if (operator === "(" || operator === "[" || operator === "{") depth++;
    if ((operator === ")" || operator === "]" || operator === "}") && depth > 0) depth--;
    push("op", operator, null, index, line, lineOffset);
    index += operator.length;
  }
  if (!lineStart)
    tokens.push({
      type: "newline",
      raw: "",
      value: null,
      line,
      column: index - lineOffset + 1,
      lineStart: false,
    });
  return { tokens, error: null };
}
