/**
 * The Python 3 tokenizer (the lexical grammar of CPython 3.12, PEP 701 f-strings included),
 * shared by ACC's import parser and BDV's step reader (through token-list.ts). Written for
 * speed: tokens go into reusable typed arrays, and only kind, start/end offsets, line and
 * bracket depth are kept per token. Token text is read back from the source on demand;
 * string values come from string-literal.ts.
 *
 * It emits NAME, NUMBER, STRING (str literal), BYTES, FSTRING_START/FSTRING_END (f- and
 * t-strings; the expressions inside replacement fields are tokenized like code, between the
 * two), OP, NEWLINE (end of a logical line), INDENT and DEDENT, then END sentinels. Comments,
 * blank lines, line continuations and newlines inside brackets produce no token. `\n`, `\r\n`
 * and `\r` all end a line, as in CPython.
 *
 * It stops at the first lexical error (unterminated string, unbalanced or mismatched
 * bracket, bad dedent, tab/space mix, stray character) and reports it with a 1-based line
 * and column; the tokens before the error stay available.
 */
import {
  ID_CONTINUE,
  ID_START,
  NOT_A_PREFIX,
  PREFIX_BYTES,
  PREFIX_FORMAT,
  PREFIX_RAW,
  prefixFlags,
} from "./lexical.ts";

// The character codes and ASCII classes of the hot loops are module-local: V8 reads an
// imported binding through a module cell on every use, which cost ~8% on the stdlib.
const CH_TAB = 9;
const CH_LF = 10;
const CH_FF = 12;
const CH_CR = 13;
const CH_SPACE = 32;
const CH_BANG = 33;
const CH_DQUOTE = 34;
const CH_HASH = 35;
const CH_SQUOTE = 39;
const CH_LPAREN = 40;
const CH_RPAREN = 41;
const CH_DOT = 46;
const CH_0 = 48;
const CH_9 = 57;
const CH_COLON = 58;
const CH_EQ = 61;
const CH_N = 78;
const CH_LBRACKET = 91;
const CH_BACKSLASH = 92;
const CH_RBRACKET = 93;
const CH_UNDERSCORE = 95;
const CH_LBRACE = 123;
const CH_RBRACE = 125;

/** ASCII character classes: 1 = identifier start, 2 = identifier continuation. */
const ASCII_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const letter = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === CH_UNDERSCORE;
  ASCII_CLASS[c] = (letter ? 1 : 0) | (letter || (c >= CH_0 && c <= CH_9) ? 2 : 0);
}

function isAsciiIdStart(c: number): boolean {
  return c < 128 && ((ASCII_CLASS[c] ?? 0) & 1) !== 0;
}

function isAsciiIdContinue(c: number): boolean {
  return c < 128 && ((ASCII_CLASS[c] ?? 0) & 2) !== 0;
}

function isDigit(c: number): boolean {
  return c >= CH_0 && c <= CH_9;
}

function isLineBreak(c: number): boolean {
  return c === CH_LF || c === CH_CR;
}

/** Length of the operator at `pos` (longest match), 0 when `c` starts no operator. */
function operatorLength(src: string, pos: number, c: number): number {
  const n1 = src.charCodeAt(pos + 1);
  switch (c) {
    case CH_DOT:
      return n1 === CH_DOT && src.charCodeAt(pos + 2) === CH_DOT ? 3 : 1;
    case 42: // *
    case 47: // /
    case 60: // <
    case 62: // >
      if (n1 === c) return src.charCodeAt(pos + 2) === CH_EQ ? 3 : 2;
      return n1 === CH_EQ ? 2 : 1;
    case 45: // -
      return n1 === 62 || n1 === CH_EQ ? 2 : 1;
    case CH_EQ:
    case CH_BANG:
    case CH_COLON:
    case 43: // +
    case 37: // %
    case 38: // &
    case 124: // |
    case 94: // ^
    case 64: // @
      return n1 === CH_EQ ? 2 : 1;
    case 44: // ,
    case 59: // ;
    case 126: // ~
      return 1;
    default:
      return 0;
  }
}

export const TokenKind = {
  NAME: 1,
  NUMBER: 2,
  STRING: 3,
  BYTES: 4,
  FSTRING_START: 5,
  FSTRING_END: 6,
  OP: 7,
  NEWLINE: 8,
  INDENT: 9,
  DEDENT: 10,
  END: 11,
} as const;

export interface PyTokenError {
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

/**
 * The token arrays are shared between calls: a `PyTokens` is valid until the next call of
 * `tokenizePython`. `depth` is the bracket nesting (f-strings count as one level) outside
 * the token: 0 for statement-level tokens, including an opening or closing bracket of the
 * outermost pair. At least `END_SENTINELS` END tokens follow the last token, so a parser
 * may look a few tokens ahead without bounds checks.
 */
export interface PyTokens {
  readonly count: number;
  readonly kind: Uint8Array;
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly line: Int32Array;
  readonly depth: Int32Array;
  readonly error: PyTokenError | undefined;
}

export const END_SENTINELS = 8;

/** Lexical modes inside f-strings. Plain code has no mode frame. */
const MODE_TEXT = 0; // literal text of an f-string
const MODE_FIELD = 1; // expression inside a replacement field
const MODE_SPEC = 2; // format spec after ':' in a replacement field

interface FStringFrame {
  readonly mode: typeof MODE_TEXT;
  readonly quote: number;
  readonly triple: boolean;
  readonly raw: boolean;
  readonly start: number;
  readonly line: number;
  readonly column: number;
}

interface FieldFrame {
  readonly mode: typeof MODE_FIELD | typeof MODE_SPEC;
  readonly owner: FStringFrame;
  /** Bracket-stack height when the field opened: '}' and ':' end it only at this height. */
  readonly bracketBase: number;
}

type Frame = FStringFrame | FieldFrame;

/** Token storage, reused from call to call (and grown when a file needs more). */
class TokenBuffer {
  capacity = 4096;
  kinds = new Uint8Array(this.capacity);
  starts = new Int32Array(this.capacity);
  ends = new Int32Array(this.capacity);
  lines = new Int32Array(this.capacity);
  depths = new Int32Array(this.capacity);

  grow(): void {
    this.capacity *= 2;
    const kinds = new Uint8Array(this.capacity);
    kinds.set(this.kinds);
    this.kinds = kinds;
    this.starts = growInt32(this.starts, this.capacity);
    this.ends = growInt32(this.ends, this.capacity);
    this.lines = growInt32(this.lines, this.capacity);
    this.depths = growInt32(this.depths, this.capacity);
  }
}

function growInt32(array: Int32Array, capacity: number): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(capacity);
  grown.set(array);
  return grown;
}

const buffer = new TokenBuffer();

/** Tokenizes `source` (without a BOM). The result is valid until the next call. */
export function tokenizePython(source: string): PyTokens {
  const scanner = new Scanner(source, buffer);
  scanner.run();
  for (let i = 0; i < END_SENTINELS; i++) scanner.push(TokenKind.END, source.length, source.length);
  return {
    count: scanner.count - END_SENTINELS,
    kind: buffer.kinds,
    start: buffer.starts,
    end: buffer.ends,
    line: buffer.lines,
    depth: buffer.depths,
    error: scanner.error,
  };
}

function closerOf(open: number): number {
  return open === CH_LPAREN ? CH_RPAREN : open === CH_LBRACKET ? CH_RBRACKET : CH_RBRACE;
}

function codePointLabel(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
}

class Scanner {
  readonly src: string;
  readonly length: number;
  pos = 0;
  line = 1;
  lineStart = 0;
  count = 0;
  error: PyTokenError | undefined;

  private readonly indents: number[] = [0];
  private readonly altIndents: number[] = [0];
  /** Open brackets, innermost last: their characters, and where each opened (for "was never closed"). */
  private readonly brackets: number[] = [];
  private readonly bracketStarts: number[] = [];
  private readonly bracketLines: number[] = [];
  private readonly bracketLineStarts: number[] = [];
  private readonly frames: Frame[] = [];
  private fstringDepth = 0;
  private atLineStart = true;
  private lineHasTokens = false;
  private done = false;

  private readonly tokens: TokenBuffer;

  constructor(source: string, tokens: TokenBuffer) {
    this.src = source;
    this.length = source.length;
    this.tokens = tokens;
  }

  push(kind: number, start: number, end: number, line = this.line): void {
    const tokens = this.tokens;
    if (this.count === tokens.capacity) tokens.grow();
    const i = this.count++;
    tokens.kinds[i] = kind;
    tokens.starts[i] = start;
    tokens.ends[i] = end;
    tokens.lines[i] = line;
    tokens.depths[i] = this.brackets.length + this.fstringDepth;
  }

  private pushToken(kind: number, start: number, end: number, line = this.line): void {
    this.push(kind, start, end, line);
    this.lineHasTokens = true;
  }

  private fail(message: string, offset: number, line = this.line, lineStart = this.lineStart): void {
    this.error = { message, line, column: offset - lineStart + 1 };
  }

  /** Fails at the start of an f-string (unterminated). */
  private failFString(message: string, frame: FStringFrame): void {
    this.fail(message, frame.start, frame.line, frame.start - frame.column + 1);
  }

  // ---- the main loop -------------------------------------------------------------------

  run(): void {
    const frames = this.frames;
    while (this.error === undefined && !this.done) {
      const top = frames.length === 0 ? undefined : frames[frames.length - 1];
      if (top === undefined || top.mode === MODE_FIELD) this.scanCode(top);
      else this.scanFStringText(top);
    }
  }

  /** Tokens of code (or of an f-string replacement field) until the f-string nesting changes. */
  private scanCode(field: FieldFrame | undefined): void {
    const src = this.src;
    const frames = this.frames;
    const height = frames.length;
    for (;;) {
      if (this.atLineStart && field === undefined && this.brackets.length === 0) {
        if (!this.indentation()) continue;
        if (this.error !== undefined) return;
      }
      let pos = this.pos;
      let c = src.charCodeAt(pos);
      while (c === CH_SPACE || c === CH_TAB || c === CH_FF) c = src.charCodeAt(++pos);
      this.pos = pos;
      if (pos >= this.length) {
        this.finish();
        this.done = true;
        return;
      }
      if (isDigit(c)) this.scanNumber(pos);
      else {
        if (isAsciiIdStart(c)) this.scanName(pos);
        else this.scanPunctuation(pos, c, field);
        if (this.error !== undefined || frames.length !== height) return;
      }
    }
  }

  /** Everything that is not a name or a number: line ends, comments, strings, brackets, operators. */
  private scanPunctuation(pos: number, c: number, field: FieldFrame | undefined): void {
    switch (c) {
      case CH_LF:
      case CH_CR:
        this.newline(pos, c);
        return;
      case CH_HASH:
        this.skipComment(pos);
        return;
      case CH_DQUOTE:
      case CH_SQUOTE:
        this.scanString(pos, pos, 0);
        return;
      case CH_BACKSLASH:
        this.continuation(pos);
        return;
      case CH_LPAREN:
      case CH_LBRACKET:
      case CH_LBRACE:
        this.openBracket(pos, c);
        return;
      case CH_RPAREN:
      case CH_RBRACKET:
      case CH_RBRACE:
        this.closeBracket(pos, c, field);
        return;
      case CH_COLON:
        if (field !== undefined && this.brackets.length === field.bracketBase) {
          this.openSpec(pos, field);
          return;
        }
        break;
      case CH_DOT:
        if (isDigit(this.src.charCodeAt(pos + 1))) {
          this.scanNumber(pos);
          return;
        }
        break;
      default:
        if (c >= 128) {
          this.scanNonAscii(pos, c);
          return;
        }
    }
    this.scanOperator(pos, c);
  }

  private scanOperator(pos: number, c: number): void {
    const opLength = operatorLength(this.src, pos, c);
    if (opLength === 0) {
      const message =
        c === 0 ? "source code cannot contain null bytes" : `invalid character '${String.fromCharCode(c)}'`;
      this.fail(message, pos);
      return;
    }
    this.pushToken(TokenKind.OP, pos, pos + opLength);
    this.pos = pos + opLength;
  }

  /** A non-ASCII character in code: an identifier, a leading BOM, or an error. */
  private scanNonAscii(pos: number, c: number): void {
    const cp = this.src.codePointAt(pos) ?? c;
    const ch = String.fromCodePoint(cp);
    if (ID_START.test(ch)) this.scanName(pos);
    else if (cp === 0xfeff && pos === 0) this.pos = pos + 1;
    else this.fail(`invalid character '${ch}' (${codePointLabel(cp)})`, pos);
  }

  // ---- lines and indentation -----------------------------------------------------------

  /** Measures the indentation of a new logical line; false when the line is blank. */
  private indentation(): boolean {
    const src = this.src;
    let pos = this.pos;
    let column = 0;
    let altColumn = 0;
    for (; ; pos++) {
      const c = src.charCodeAt(pos);
      if (c === CH_SPACE) {
        column++;
        altColumn++;
      } else if (c === CH_TAB) {
        column = (Math.floor(column / 8) + 1) * 8;
        altColumn++;
      } else if (c === CH_FF) {
        column = 0;
        altColumn = 0;
      } else break;
    }
    this.pos = pos;
    if (pos >= this.length) return true; // finish() runs in the main loop
    const c = src.charCodeAt(pos);
    if (c === CH_HASH) {
      this.skipComment(pos);
      return false;
    }
    if (isLineBreak(c)) {
      this.newline(pos, c);
      return false;
    }
    this.atLineStart = false;
    this.indentTo(pos, column, altColumn);
    return true;
  }

  /** INDENT or DEDENTs for a line whose first token is at `pos`, `column` wide (tabs to 8; `altColumn` tabs to 1). */
  private indentTo(pos: number, column: number, altColumn: number): void {
    const indents = this.indents;
    const altIndents = this.altIndents;
    const top = indents[indents.length - 1] ?? 0;
    const altTop = altIndents[altIndents.length - 1] ?? 0;
    if (column === top) {
      if (altColumn !== altTop) this.fail("inconsistent use of tabs and spaces in indentation", pos);
    } else if (column > top) {
      if (altColumn <= altTop) {
        this.fail("inconsistent use of tabs and spaces in indentation", pos);
        return;
      }
      indents.push(column);
      altIndents.push(altColumn);
      this.push(TokenKind.INDENT, pos, pos);
    } else this.dedentTo(pos, column, altColumn);
  }

  private dedentTo(pos: number, column: number, altColumn: number): void {
    const indents = this.indents;
    const altIndents = this.altIndents;
    while (indents.length > 1 && column < (indents[indents.length - 1] ?? 0)) {
      indents.pop();
      altIndents.pop();
      this.push(TokenKind.DEDENT, pos, pos);
    }
    if (column !== (indents[indents.length - 1] ?? 0)) {
      this.fail("unindent does not match any outer indentation level", pos);
    } else if (altColumn !== (altIndents[altIndents.length - 1] ?? 0)) {
      this.fail("inconsistent use of tabs and spaces in indentation", pos);
    }
  }

  private newline(pos: number, c: number): void {
    const next = c === CH_CR && this.src.charCodeAt(pos + 1) === CH_LF ? pos + 2 : pos + 1;
    if (this.brackets.length === 0 && this.frames.length === 0) {
      if (this.lineHasTokens) {
        this.push(TokenKind.NEWLINE, pos, next);
        this.lineHasTokens = false;
      }
      this.atLineStart = true;
    }
    this.line++;
    this.lineStart = next;
    this.pos = next;
  }

  private skipComment(pos: number): void {
    const src = this.src;
    const length = this.length;
    let p = pos + 1;
    while (p < length && !isLineBreak(src.charCodeAt(p))) p++;
    this.pos = p;
  }

  private continuation(pos: number): void {
    const c = this.src.charCodeAt(pos + 1);
    if (isLineBreak(c)) {
      this.pos = this.lineBreak(pos + 1, c);
      return;
    }
    if (pos + 1 >= this.length) this.fail("unexpected end of file after line continuation character", pos);
    else this.fail("unexpected character after line continuation character", pos);
  }

  /** Counts a line break that ends no logical line; returns the offset after it. */
  private lineBreak(p: number, c: number): number {
    const next = c === CH_CR && this.src.charCodeAt(p + 1) === CH_LF ? p + 2 : p + 1;
    this.line++;
    this.lineStart = next;
    return next;
  }

  // ---- names and numbers ---------------------------------------------------------------

  private scanName(pos: number): void {
    const src = this.src;
    const start = pos;
    let p = pos;
    for (;;) {
      const c = src.charCodeAt(p);
      if (isAsciiIdContinue(c)) p++;
      else if (c >= 128) {
        const cp = src.codePointAt(p) ?? c;
        if (!ID_CONTINUE.test(String.fromCodePoint(cp))) break;
        p += cp > 0xffff ? 2 : 1;
      } else break;
    }
    const next = src.charCodeAt(p);
    if (next === CH_DQUOTE || next === CH_SQUOTE) {
      const flags = prefixFlags(src, start, p);
      if (flags !== NOT_A_PREFIX) {
        this.scanString(start, p, flags);
        return;
      }
    }
    this.pushToken(TokenKind.NAME, start, p);
    this.pos = p;
  }

  private scanNumber(pos: number): void {
    const src = this.src;
    const next = src.charCodeAt(pos + 1) | 0x20;
    const radix = src.charCodeAt(pos) === CH_0 && (next === 120 || next === 111 || next === 98);
    const end = radix ? this.radixDigitsEnd(pos + 2) : this.decimalEnd(pos);
    this.pushToken(TokenKind.NUMBER, pos, end);
    this.pos = end;
  }

  /** After 0x / 0o / 0b: digits of any radix (their validity does not matter for imports). */
  private radixDigitsEnd(p: number): number {
    const src = this.src;
    for (;;) {
      const c = src.charCodeAt(p);
      const lower = c | 0x20;
      if (isDigit(c) || c === CH_UNDERSCORE || (lower >= 97 && lower <= 102)) p++;
      else return p;
    }
  }

  /** Integer, fraction, exponent and imaginary suffix of a decimal number. */
  private decimalEnd(p: number): number {
    const src = this.src;
    let c = src.charCodeAt(p);
    while (isDigit(c) || c === CH_UNDERSCORE) c = src.charCodeAt(++p);
    if (c === CH_DOT) {
      c = src.charCodeAt(++p);
      while (isDigit(c) || c === CH_UNDERSCORE) c = src.charCodeAt(++p);
    }
    if ((c | 0x20) === 101) {
      const sign = src.charCodeAt(p + 1);
      const digitAt = sign === 43 || sign === 45 ? p + 2 : p + 1;
      if (isDigit(src.charCodeAt(digitAt))) {
        p = digitAt;
        c = src.charCodeAt(p);
        while (isDigit(c) || c === CH_UNDERSCORE) c = src.charCodeAt(++p);
      }
    }
    return (c | 0x20) === 106 ? p + 1 : p; // imaginary suffix j
  }

  // ---- strings -------------------------------------------------------------------------

  /** A string literal starting at `start` (prefix letters included); its quote is at `quotePos`. */
  private scanString(start: number, quotePos: number, flags: number): void {
    const src = this.src;
    const quote = src.charCodeAt(quotePos);
    const triple = src.charCodeAt(quotePos + 1) === quote && src.charCodeAt(quotePos + 2) === quote;
    const bodyStart = quotePos + (triple ? 3 : 1);
    if ((flags & PREFIX_FORMAT) !== 0) {
      this.openFString(start, bodyStart, quote, triple, (flags & PREFIX_RAW) !== 0);
      return;
    }
    const startLine = this.line;
    const startLineStart = this.lineStart;
    const end = this.stringEnd(bodyStart, quote, triple);
    if (end < 0) {
      const message = triple ? "unterminated triple-quoted string literal" : "unterminated string literal";
      this.fail(message, start, startLine, startLineStart);
      return;
    }
    this.pushToken((flags & PREFIX_BYTES) !== 0 ? TokenKind.BYTES : TokenKind.STRING, start, end, startLine);
    this.pos = end;
  }

  /** The offset after the closing quote(s) of a plain string body starting at `p`; -1 when unterminated. */
  private stringEnd(p: number, quote: number, triple: boolean): number {
    const src = this.src;
    const length = this.length;
    while (p < length) {
      const c = src.charCodeAt(p);
      if (c === quote) {
        if (!triple) return p + 1;
        if (src.charCodeAt(p + 1) === quote && src.charCodeAt(p + 2) === quote) return p + 3;
        p++;
      } else if (c === CH_BACKSLASH) {
        const escaped = src.charCodeAt(p + 1);
        p = isLineBreak(escaped) ? this.lineBreak(p + 1, escaped) : p + 2;
      } else if (isLineBreak(c)) {
        if (!triple) return -1;
        p = this.lineBreak(p, c);
      } else p++;
    }
    return -1;
  }

  private openFString(start: number, bodyStart: number, quote: number, triple: boolean, raw: boolean): void {
    this.pushToken(TokenKind.FSTRING_START, start, bodyStart);
    const column = start - this.lineStart + 1;
    this.frames.push({ mode: MODE_TEXT, quote, triple, raw, start, line: this.line, column });
    this.fstringDepth++;
    this.pos = bodyStart;
  }

  /** Literal text of an f-string, or a format spec, up to the next field or the end. */
  private scanFStringText(frame: FStringFrame | FieldFrame): void {
    const src = this.src;
    const owner = frame.mode === MODE_TEXT ? frame : frame.owner;
    const inSpec = frame.mode === MODE_SPEC;
    let p = this.pos;
    for (;;) {
      if (p >= this.length) {
        const kind = owner.triple ? "triple-quoted f-string literal" : "f-string literal";
        this.failFString(`unterminated ${kind}`, owner);
        return;
      }
      const c = src.charCodeAt(p);
      if (c === owner.quote && this.closesFString(p, owner)) {
        this.closeFString(p, owner, inSpec);
        return;
      }
      if (c === CH_BACKSLASH) p = this.fstringEscapeEnd(p, owner);
      else if (c === CH_LBRACE) {
        if (inSpec || src.charCodeAt(p + 1) !== CH_LBRACE) {
          this.openField(p, owner);
          return;
        }
        p += 2;
      } else if (c === CH_RBRACE) {
        if (inSpec) {
          this.closeSpec(p);
          return;
        }
        if (src.charCodeAt(p + 1) !== CH_RBRACE) {
          this.fail("f-string: single '}' is not allowed", p);
          return;
        }
        p += 2;
      } else if (isLineBreak(c)) {
        p = this.fstringLineBreak(p, c, owner, inSpec);
        if (p < 0) return;
      } else p++;
    }
  }

  private closesFString(p: number, owner: FStringFrame): boolean {
    const src = this.src;
    return !owner.triple || (src.charCodeAt(p + 1) === owner.quote && src.charCodeAt(p + 2) === owner.quote);
  }

  private closeFString(p: number, owner: FStringFrame, inSpec: boolean): void {
    if (inSpec) {
      this.fail("f-string: expecting '}'", p);
      return;
    }
    const end = p + (owner.triple ? 3 : 1);
    this.frames.pop();
    this.fstringDepth--;
    this.pos = end;
    this.pushToken(TokenKind.FSTRING_END, p, end);
  }

  /** The offset after an escape in f-string text (`\N{…}` holds braces that open no field). */
  private fstringEscapeEnd(p: number, owner: FStringFrame): number {
    const src = this.src;
    const escaped = src.charCodeAt(p + 1);
    if (!owner.raw && escaped === CH_N && src.charCodeAt(p + 2) === CH_LBRACE) {
      const close = src.indexOf("}", p + 3);
      return close === -1 ? this.length : close + 1;
    }
    if (escaped === CH_LBRACE || escaped === CH_RBRACE) return p + 1;
    if (isLineBreak(escaped)) return this.lineBreak(p + 1, escaped);
    return p + 2;
  }

  /** A line break in f-string text: allowed only in triple-quoted f-strings (else an error, and -1). */
  private fstringLineBreak(p: number, c: number, owner: FStringFrame, inSpec: boolean): number {
    if (owner.triple) return this.lineBreak(p, c);
    if (inSpec)
      this.fail("f-string: newlines are not allowed in format specifiers for single quoted f-strings", p);
    else this.failFString("unterminated f-string literal", owner);
    return -1;
  }

  private openField(p: number, owner: FStringFrame): void {
    this.pos = p + 1;
    this.frames.push({ mode: MODE_FIELD, owner, bracketBase: this.brackets.length });
  }

  private openSpec(pos: number, field: FieldFrame): void {
    this.pos = pos + 1;
    this.frames.push({ mode: MODE_SPEC, owner: field.owner, bracketBase: field.bracketBase });
  }

  private closeSpec(p: number): void {
    this.frames.pop(); // the spec
    this.frames.pop(); // its field
    this.pos = p + 1;
  }

  // ---- brackets ------------------------------------------------------------------------

  private openBracket(pos: number, c: number): void {
    this.pushToken(TokenKind.OP, pos, pos + 1);
    this.brackets.push(c);
    this.bracketStarts.push(pos);
    this.bracketLines.push(this.line);
    this.bracketLineStarts.push(this.lineStart);
    this.pos = pos + 1;
  }

  private closeBracket(pos: number, c: number, field: FieldFrame | undefined): void {
    const brackets = this.brackets;
    const closing = String.fromCharCode(c);
    if (field !== undefined && brackets.length === field.bracketBase) {
      if (c !== CH_RBRACE) {
        this.fail(`f-string: unmatched '${closing}'`, pos);
        return;
      }
      this.frames.pop(); // end of the replacement field
      this.pos = pos + 1;
      return;
    }
    const open = brackets[brackets.length - 1];
    if (open === undefined) {
      this.fail(`unmatched '${closing}'`, pos);
      return;
    }
    if (c !== closerOf(open)) {
      const openLine = this.bracketLines[this.bracketLines.length - 1] ?? this.line;
      const where = openLine === this.line ? "" : ` on line ${openLine}`;
      const opening = String.fromCharCode(open);
      this.fail(
        `closing parenthesis '${closing}' does not match opening parenthesis '${opening}'${where}`,
        pos,
      );
      return;
    }
    brackets.pop();
    this.bracketStarts.pop();
    this.bracketLines.pop();
    this.bracketLineStarts.pop();
    this.pushToken(TokenKind.OP, pos, pos + 1);
    this.pos = pos + 1;
  }

  // ---- end of input --------------------------------------------------------------------

  private finish(): void {
    const frame = this.frames.find((f): f is FStringFrame => f.mode === MODE_TEXT);
    if (frame !== undefined) {
      const kind = frame.triple ? "triple-quoted f-string literal" : "f-string literal";
      this.failFString(`unterminated ${kind}`, frame);
      return;
    }
    const depth = this.brackets.length;
    if (depth > 0) {
      const open = String.fromCharCode(this.brackets[depth - 1] ?? CH_LPAREN);
      const line = this.bracketLines[depth - 1] ?? this.line;
      this.fail(
        `'${open}' was never closed`,
        this.bracketStarts[depth - 1] ?? 0,
        line,
        this.bracketLineStarts[depth - 1] ?? 0,
      );
      return;
    }
    if (this.lineHasTokens) {
      this.push(TokenKind.NEWLINE, this.length, this.length);
      this.lineHasTokens = false;
    }
    while (this.indents.length > 1) {
      this.indents.pop();
      this.push(TokenKind.DEDENT, this.length, this.length);
    }
  }
}
