/**
 * The tokens of tokenizer.ts as a list of objects, for readers off the hot path (BDV's step
 * reader) that look at decorator calls and module-level calls: names, numbers, operators and
 * strings with their decoded values, and the end of every logical line. An f-string is one
 * string token (its value known only without replacement fields); INDENT and DEDENT are
 * dropped, as are comments and newlines inside brackets.
 */
import { literalValue } from "./string-literal.ts";
import { type PyTokens, TokenKind, tokenizePython } from "./tokenizer.ts";

export type PythonTokenType = "name" | "string" | "number" | "op" | "newline";

export interface PythonToken {
  readonly type: PythonTokenType;
  /** Source text of the token. */
  readonly raw: string;
  /** For strings: the decoded value, or null when it cannot be known statically (see `unknownBecause`). */
  readonly value: string | null;
  /** For strings whose value is null: why (an f-string with substitutions, a `\N{…}` escape…). */
  readonly unknownBecause?: string;
  readonly line: number;
  /** 1-based, in UTF-16 code units. */
  readonly column: number;
  /** True for the first token of a logical line. */
  readonly lineStart: boolean;
}

export interface PythonTokenList {
  readonly tokens: readonly PythonToken[];
  /** The first lexical error; the tokens before it are listed. */
  readonly error: { readonly line: number; readonly column: number; readonly message: string } | null;
}

const SIMPLE_TYPES: Readonly<Record<number, PythonTokenType>> = {
  [TokenKind.NAME]: "name",
  [TokenKind.NUMBER]: "number",
  [TokenKind.OP]: "op",
};

export function pythonTokenList(text: string): PythonTokenList {
  const tokens = tokenizePython(text);
  const lineStarts = lineStartOffsets(text);
  const list: PythonToken[] = [];
  let lineStart = true;
  for (let i = 0; i < tokens.count; i++) {
    const kind = tokens.kind[i] ?? TokenKind.END;
    if (kind === TokenKind.INDENT || kind === TokenKind.DEDENT) continue;
    const start = tokens.start[i] ?? 0;
    const line = tokens.line[i] ?? 1;
    const column = start - (lineStarts[line - 1] ?? 0) + 1;
    if (kind === TokenKind.NEWLINE) {
      const raw = text.slice(start, tokens.end[i]);
      list.push({ type: "newline", raw, value: null, line, column, lineStart: false });
      lineStart = true;
      continue;
    }
    const last = kind === TokenKind.FSTRING_START ? matchingFStringEnd(tokens, i) : i;
    list.push({ ...tokenText(text, kind, start, tokens.end[last] ?? start), line, column, lineStart });
    lineStart = false;
    i = last;
  }
  const error = tokens.error ? { ...tokens.error } : null;
  return { tokens: list, error };
}

function tokenText(
  text: string,
  kind: number,
  start: number,
  end: number,
): Pick<PythonToken, "type" | "raw" | "value" | "unknownBecause"> {
  const raw = text.slice(start, end);
  const simple = SIMPLE_TYPES[kind];
  if (simple !== undefined) return { type: simple, raw, value: null };
  const decoded = literalValue(text, start, end);
  return decoded.known
    ? { type: "string", raw, value: decoded.value }
    : { type: "string", raw, value: null, unknownBecause: decoded.reason };
}

/** The FSTRING_END closing the f-string opened at `open` (the last token when it is unterminated). */
function matchingFStringEnd(tokens: PyTokens, open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.count; i++) {
    const kind = tokens.kind[i];
    if (kind === TokenKind.FSTRING_START) depth++;
    else if (kind === TokenKind.FSTRING_END && --depth === 0) return i;
  }
  return tokens.count - 1;
}

/** Offset of the first character of each line (`\n`, `\r\n` and `\r` end a line). */
function lineStartOffsets(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}
