import { RegexError, type RegexErrorKind } from "./errors.ts";

/**
 * Shared cursor of the dialect translators: walks the author's pattern and collects the
 * RE2 source. Positions in errors are indexes into the author's pattern.
 */
export class PatternScanner {
  pos = 0;
  readonly pattern: string;
  private readonly out: string[] = [];

  constructor(pattern: string) {
    this.pattern = pattern;
  }

  get done(): boolean {
    return this.pos >= this.pattern.length;
  }

  peek(offset = 0): string {
    return this.pattern[this.pos + offset] ?? "";
  }

  next(): string {
    const char = this.pattern[this.pos] ?? "";
    this.pos += 1;
    return char;
  }

  lookingAt(text: string): boolean {
    return this.pattern.startsWith(text, this.pos);
  }

  /** Consumes `re` at the cursor (a sticky RegExp of our own, never the author's) and returns its match. */
  take(re: RegExp): RegExpExecArray | null {
    re.lastIndex = this.pos;
    const match = re.exec(this.pattern);
    if (match) this.pos += match[0].length;
    return match;
  }

  emit(text: string): void {
    this.out.push(text);
  }

  result(): string {
    return this.out.join("");
  }

  fail(kind: RegexErrorKind, reason: string, at: number = this.pos): never {
    throw new RegexError(kind, this.pattern, reason, at);
  }
}

/** Counts the capturing groups of a JS or Python pattern (for telling backreferences from octal escapes). */
export function countCaptures(pattern: string): { readonly count: number; readonly named: boolean } {
  let count = 0;
  let named = false;
  let inClass = false;
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i];
    if (char === "\\") i += 1;
    else if (inClass) inClass = char !== "]";
    else if (char === "[") inClass = true;
    else if (char === "(") {
      if (pattern[i + 1] !== "?") count += 1;
      else if (/^\?P?<[^=!]/.test(pattern.slice(i + 1, i + 4))) {
        count += 1;
        named = true;
      }
    }
  }
  return { count, named };
}

/** A literal character in RE2 syntax, escaped where RE2 would read it as syntax. */
export function escapeLiteral(char: string, inClass: boolean): string {
  if (inClass) return /[\\\]^[-]/.test(char) ? `\\${char}` : char;
  return /[\\^$.|?*+()[\]{}/-]/.test(char) ? `\\${char}` : char;
}

/**
 * The items of one bracket class. A `-` between two single characters is a range; anywhere
 * else it is a literal (JavaScript and Python agree; RE2 would refuse `[\d-z]`).
 */
export class ClassItems {
  private readonly items: string[] = [];
  private rangeStartAllowed = false;

  add(text: string, single: boolean): void {
    this.items.push(text);
    this.rangeStartAllowed = single && this.items.at(-2) !== "-";
  }

  /** Adds a `-`: a range when the previous item and the next one (`nextIsSingle`) are single characters. */
  addDash(nextIsSingle: boolean): void {
    if (this.rangeStartAllowed && nextIsSingle) {
      this.items.push("-");
      this.rangeStartAllowed = false;
    } else this.add("\\-", true);
  }

  body(): string {
    return this.items.join("");
  }
}

/**
 * The literal `char` just read at `at`, with its low surrogate when it starts a pair.
 * A lone surrogate is refused: RE2 matches code points, never half of one.
 */
export function literalAt(scanner: PatternScanner, char: string, at: number, inClass: boolean): string {
  const code = char.charCodeAt(0);
  if (code >= 0xd800 && code <= 0xdbff) {
    const low = scanner.peek().charCodeAt(0);
    if (low >= 0xdc00 && low <= 0xdfff) return char + scanner.next();
  }
  if (code >= 0xd800 && code <= 0xdfff) {
    scanner.fail("unsupported", "a lone surrogate cannot be matched: RE2 works on whole code points", at);
  }
  return escapeLiteral(char, inClass);
}
