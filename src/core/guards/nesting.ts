/**
 * Nesting-depth guards run before a parser sees untrusted source. The native TypeScript parser
 * (oxc) recurses once per bracket and overflows its stack — killing the whole process, not
 * throwing — somewhere past a few thousand nested `(`/`[`/`{` (fewer on a worker thread's
 * smaller stack); CPython refuses more than 200 nested brackets ("too many nested
 * parentheses"). A file nested deeper than the limit is reported unreadable instead of parsed.
 *
 * The scanners are deliberately rough and linear: they skip strings, comments, template
 * literals and (JavaScript) regex literals well enough that brackets inside them do not count,
 * and count every other bracket. A miscounted bracket only makes a file look a little deeper or
 * shallower than it is, far from any limit real code reaches.
 */

/** The default limit: far above hand-written code, far below where the parsers fail. */
export const DEFAULT_MAX_NESTING_DEPTH = 500;

export interface NestingExcess {
  /** 1-based line and column of the bracket that went past the limit. */
  readonly line: number;
  readonly column: number;
  readonly limit: number;
}

/** "nesting deeper than 500 brackets at line 3, column 9 (…)": the message of an unreadable file. */
export function nestingMessage(excess: NestingExcess): string {
  return `brackets nested deeper than ${excess.limit} levels at line ${excess.line}, column ${excess.column}; not parsed (the parser's own limit would be reached)`;
}

const OPEN = new Set(["(", "[", "{"]);
const CLOSE = new Set([")", "]", "}"]);

/** Char codes the scanner compares against. */
const Code = {
  Tab: 9,
  Newline: 10,
  Return: 13,
  Space: 32,
  DoubleQuote: 34,
  Dollar: 36,
  Quote: 39,
  OpenParen: 40,
  CloseParen: 41,
  Star: 42,
  Slash: 47,
  OpenBracket: 91,
  Backslash: 92,
  CloseBracket: 93,
  Backtick: 96,
  /** Stands for any word character (`[\w$]`) as the previous token. */
  Word: 97,
  OpenBrace: 123,
  CloseBrace: 125,
  /** The start of the source: nothing before. */
  None: -1,
} as const;

/** After one of these (or at the start), a `/` starts a regex literal rather than a division. */
const BEFORE_REGEX: ReadonlySet<number> = new Set(
  [..."(,=:[!&|?{};+-*%<>~^"].map((char) => char.charCodeAt(0)).concat(Code.None),
);
const KEYWORDS_BEFORE_REGEX =
  /(?:^|[^\w$])(?:return|typeof|instanceof|in|of|new|delete|void|throw|case|do|else|yield|await)$/;

function isBlankCode(code: number): boolean {
  return code === Code.Newline || code === Code.Space || code === Code.Tab || code === Code.Return;
}

/** `[\w$]`, `[A-Za-z0-9_$]`, as a char code test. */
function isWordCode(code: number, dollarToo: boolean): boolean {
  return (
    (code >= 97 && code <= 122) ||
    (code >= 65 && code <= 90) ||
    (code >= 48 && code <= 57) ||
    code === 95 ||
    (dollarToo && code === Code.Dollar)
  );
}

/**
 * Whether the text has more than `limit` opening brackets anywhere (strings and comments
 * included). Every level a scan counts is one of them, so with fewer no scan can exceed the
 * limit: most files end here, without the slower scan.
 */
function moreOpenBracketsThan(source: string, limit: number): boolean {
  // The regex engine's native search, stepped with `test` (no match arrays), beats a charCodeAt loop.
  OPEN_BRACKET.lastIndex = 0;
  let count = 0;
  while (OPEN_BRACKET.test(source)) if (++count > limit) return true;
  return false;
}

const OPEN_BRACKET = /[([{]/g;
/** Every char the JavaScript scan acts on; the runs between them only move `previous`. */
const JS_SIGNIFICANT = /[/"'`()[\]{}]/g;

/** The next char at or after `from` that the JavaScript scan acts on, or the source's length. */
function nextSignificant(source: string, from: number): number {
  JS_SIGNIFICANT.lastIndex = from;
  return JS_SIGNIFICANT.test(source) ? JS_SIGNIFICANT.lastIndex - 1 : source.length;
}

/** The first place a JavaScript/TypeScript source nests brackets deeper than `limit`, or null. */
export function javaScriptNestingExcess(source: string, limit: number): NestingExcess | null {
  if (!moreOpenBracketsThan(source, limit)) return null; // a template's `${` counts its `{`
  const length = source.length;
  /** One entry per open bracket; true marks a template literal's `${`. */
  const stack: boolean[] = [];
  let previous: number = Code.None;
  let wordEnd = -1;
  let i = 0;
  while (i < length) {
    const significant = nextSignificant(source, i);
    if (significant > i) {
      // A run of other chars: only its last non-blank one matters, as the previous token.
      let last = significant - 1;
      while (last >= i && isBlankCode(source.charCodeAt(last))) last--;
      if (last >= i) {
        const code = source.charCodeAt(last);
        previous = isWordCode(code, true) ? Code.Word : code;
        if (previous === Code.Word) wordEnd = last + 1;
      }
      i = significant;
      if (i >= length) break;
    }
    const code = source.charCodeAt(i);
    const next = i + 1 < length ? source.charCodeAt(i + 1) : Code.None;
    if (code === Code.Slash && next === Code.Slash) {
      const at = source.indexOf("\n", i);
      i = at === -1 ? length : at;
      continue;
    }
    if (code === Code.Slash && next === Code.Star) {
      const at = source.indexOf("*/", i + 2);
      i = at === -1 ? length : at + 2;
      continue;
    }
    if (code === Code.Quote || code === Code.DoubleQuote) {
      i = skipQuoted(source, i, code);
      previous = Code.Word;
      continue;
    }
    if (code === Code.Backtick || (code === Code.CloseBrace && stack.at(-1) === true)) {
      if (code === Code.CloseBrace) stack.pop();
      const end = skipTemplate(source, i + 1);
      if (end < 0) {
        i = -end;
        stack.push(true);
        if (stack.length > limit) return excessAt(source, i - 2, limit);
        previous = Code.OpenBrace;
      } else {
        i = end;
        previous = Code.Word;
      }
      continue;
    }
    if (code === Code.Slash && startsRegex(previous, source, wordEnd, i)) {
      i = skipRegex(source, i);
      previous = Code.Word;
      continue;
    }
    if (code === Code.OpenParen || code === Code.OpenBracket || code === Code.OpenBrace) {
      stack.push(false);
      if (stack.length > limit) return excessAt(source, i, limit);
    } else if (code === Code.CloseParen || code === Code.CloseBracket || code === Code.CloseBrace) {
      stack.pop();
    }
    previous = code;
    if (isWordCode(code, true)) {
      previous = Code.Word;
      wordEnd = i + 1;
    }
    i++;
  }
  return null;
}

function startsRegex(previous: number, source: string, wordEnd: number, index: number): boolean {
  if (BEFORE_REGEX.has(previous)) return true;
  if (previous !== Code.Word || wordEnd !== index) return false;
  return KEYWORDS_BEFORE_REGEX.test(source.slice(Math.max(0, index - 12), index));
}

/** A one-line string literal from its opening quote at `start`: past its closing quote, or to the end of the line. */
function skipQuoted(source: string, start: number, quote: number): number {
  let i = start + 1;
  for (; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === Code.Backslash) i++;
    else if (c === quote) {
      i++;
      break;
    } else if (c === Code.Newline) break;
  }
  return Math.min(i, source.length);
}

/** A regex literal from its `/` at `start`, classes included: past its closing `/` and flags, or to the end of the line. */
function skipRegex(source: string, start: number): number {
  let i = start + 1;
  let inClass = false;
  for (; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === Code.Backslash) i++;
    else if (c === Code.Newline) break;
    else if (c === Code.OpenBracket) inClass = true;
    else if (c === Code.CloseBracket) inClass = false;
    else if (c === Code.Slash && !inClass) {
      i++;
      break;
    }
  }
  while (i < source.length && isWordCode(source.charCodeAt(i), false)) i++;
  return Math.min(i, source.length);
}

/**
 * From inside a template literal at `start`: the index past its closing backtick, or minus
 * the index past the `${` that opens a substitution.
 */
function skipTemplate(source: string, start: number): number {
  let i = start;
  for (; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === Code.Backslash) i++;
    else if (c === Code.Backtick) return i + 1;
    else if (c === Code.Dollar && source.charCodeAt(i + 1) === Code.OpenBrace) return -(i + 2);
  }
  return Math.min(i, source.length);
}

/** The excess at the bracket at `at`: its 1-based line and column. */
function excessAt(source: string, at: number, limit: number): NestingExcess {
  let line = 1;
  let lineStart = 0;
  for (
    let newline = source.indexOf("\n");
    newline !== -1 && newline < at;
    newline = source.indexOf("\n", newline + 1)
  ) {
    line++;
    lineStart = newline + 1;
  }
  return { line, column: at - lineStart + 1, limit };
}

/** The first place a Python source nests brackets deeper than `limit`, or null. */
export function pythonNestingExcess(source: string, limit: number): NestingExcess | null {
  if (!moreOpenBracketsThan(source, limit)) return null;
  const scan = new Cursor(source);
  let depth = 0;
  while (scan.index < source.length) {
    const char = source[scan.index]!;
    if (char === "#") {
      scan.skipTo("\n");
      continue;
    }
    if (char === "'" || char === '"') {
      const triple = source.startsWith(char.repeat(3), scan.index);
      if (triple) scan.skipPast(char.repeat(3), 3);
      else scan.skipQuoted(char);
      continue;
    }
    if (OPEN.has(char)) {
      depth++;
      if (depth > limit) return scan.excess(limit, 0);
    } else if (CLOSE.has(char) && depth > 0) depth--;
    scan.advance(1);
  }
  return null;
}

/** A position in the source that keeps its line number as it moves. */
class Cursor {
  index = 0;
  private line = 1;
  private lineStart = 0;
  private readonly source: string;

  constructor(source: string) {
    this.source = source;
  }

  advance(count: number): void {
    const end = Math.min(this.source.length, this.index + count);
    for (; this.index < end; this.index++) {
      if (this.source.charCodeAt(this.index) === 10) {
        this.line++;
        this.lineStart = this.index + 1;
      }
    }
  }

  /** Up to (not past) the next `char`, or to the end. */
  skipTo(char: string): void {
    const at = this.source.indexOf(char, this.index);
    this.advance((at === -1 ? this.source.length : at) - this.index);
  }

  /** Past the next `text` after the first `offset` characters, or to the end. */
  skipPast(text: string, offset: number): void {
    const at = this.source.indexOf(text, this.index + offset);
    this.advance((at === -1 ? this.source.length : at + text.length) - this.index);
  }

  /** A one-line string literal: past its closing quote, or to the end of the line. */
  skipQuoted(quote: string): void {
    let i = this.index + 1;
    for (; i < this.source.length; i++) {
      const c = this.source[i];
      if (c === "\\") i++;
      else if (c === quote) {
        i++;
        break;
      } else if (c === "\n") break;
    }
    this.advance(i - this.index);
  }

  /** A regex literal, its classes included: past its closing `/` and flags, or to the end of the line. */
  skipRegex(): void {
    let i = this.index + 1;
    let inClass = false;
    for (; i < this.source.length; i++) {
      const c = this.source[i];
      if (c === "\\") i++;
      else if (c === "\n") break;
      else if (c === "[") inClass = true;
      else if (c === "]") inClass = false;
      else if (c === "/" && !inClass) {
        i++;
        break;
      }
    }
    while (i < this.source.length && /\w/.test(this.source[i]!)) i++;
    this.advance(i - this.index);
  }

  /**
   * From inside a template literal: past its closing backtick (false), or past the `${` that
   * opens a substitution (true).
   */
  skipTemplate(): boolean {
    let i = this.index;
    for (; i < this.source.length; i++) {
      const c = this.source[i];
      if (c === "\\") i++;
      else if (c === "`") {
        this.advance(i + 1 - this.index);
        return false;
      } else if (c === "$" && this.source[i + 1] === "{") {
        this.advance(i + 2 - this.index);
        return true;
      }
    }
    this.advance(i - this.index);
    return false;
  }

  /** The excess at the bracket `back` characters before the cursor (0: at it). */
  excess(limit: number, back: number): NestingExcess {
    const at = this.index - back;
    return { line: this.line, column: at - this.lineStart + 1, limit };
  }
}
