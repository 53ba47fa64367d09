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
/** After one of these (or at the start), a `/` starts a regex literal rather than a division. */
const BEFORE_REGEX = new Set([
  "",
  "(",
  ",",
  "=",
  ":",
  "[",
  "!",
  "&",
  "|",
  "?",
  "{",
  "}",
  ";",
  "+",
  "-",
  "*",
  "%",
  "<",
  ">",
  "~",
  "^",
]);
const KEYWORDS_BEFORE_REGEX =
  /(?:^|[^\w$])(?:return|typeof|instanceof|in|of|new|delete|void|throw|case|do|else|yield|await)$/;

/** The first place a JavaScript/TypeScript source nests brackets deeper than `limit`, or null. */
export function javaScriptNestingExcess(source: string, limit: number): NestingExcess | null {
  const scan = new Cursor(source);
  /** One entry per open bracket; "t" marks a template literal's `${`. */
  const stack: string[] = [];
  let previous = "";
  let wordEnd = -1;
  while (scan.index < source.length) {
    const char = source[scan.index]!;
    const next = source[scan.index + 1];
    if (char === "\n" || char === " " || char === "\t" || char === "\r") {
      scan.advance(1);
      continue;
    }
    if (char === "/" && next === "/") {
      scan.skipTo("\n");
      continue;
    }
    if (char === "/" && next === "*") {
      scan.skipPast("*/", 2);
      continue;
    }
    if (char === "'" || char === '"') {
      scan.skipQuoted(char);
      previous = "a";
      continue;
    }
    if (char === "`" || (char === "}" && stack.at(-1) === "t")) {
      if (char === "}") stack.pop();
      scan.advance(1);
      if (scan.skipTemplate()) {
        stack.push("t");
        if (stack.length > limit) return scan.excess(limit, 2);
        previous = "{";
      } else previous = "a";
      continue;
    }
    if (char === "/" && startsRegex(previous, source, wordEnd, scan.index)) {
      scan.skipRegex();
      previous = "a";
      continue;
    }
    if (OPEN.has(char)) {
      stack.push(char);
      if (stack.length > limit) return scan.excess(limit, 0);
    } else if (CLOSE.has(char)) stack.pop();
    previous = char;
    if (/[\w$]/.test(char)) {
      previous = "a";
      wordEnd = scan.index + 1;
    }
    scan.advance(1);
  }
  return null;
}

function startsRegex(previous: string, source: string, wordEnd: number, index: number): boolean {
  if (BEFORE_REGEX.has(previous)) return true;
  if (previous !== "a" || wordEnd !== index) return false;
  return KEYWORDS_BEFORE_REGEX.test(source.slice(Math.max(0, index - 12), index));
}

/** The first place a Python source nests brackets deeper than `limit`, or null. */
export function pythonNestingExcess(source: string, limit: number): NestingExcess | null {
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
