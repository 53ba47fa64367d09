import {
  ANY_CODE_POINT,
  codePointEscape,
  isMatchableCodePoint,
  NO_CODE_POINT,
  spaceClass,
  spaceClassBody,
} from "./charsets.ts";
import { LINEAR_ENGINE_NOTE, RegexError } from "./errors.ts";
import { ClassItems, countCaptures, literalAt, PatternScanner } from "./scanner.ts";
import { translateProperty } from "./unicode-properties.ts";

/** A pattern rewritten in RE2 syntax. */
export interface Translation {
  readonly source: string;
  /** The pattern has a lookbehind: compile with RE2JS.LOOKBEHINDS. */
  readonly lookbehind: boolean;
}

/** JavaScript's `.` without the `s` flag: anything but a line terminator. */
const JS_DOT = `[^\\n\\r${codePointEscape(0x2028)}${codePointEscape(0x2029)}]`;
/** RE2 repetition counts stop at 1000. */
export const MAX_REPEAT = 1000;

/**
 * Rewrites an ECMAScript pattern (with its flags) into RE2 syntax with the same meaning:
 * `\s`, `.` and `[^]` spelled out (RE2's are narrower), escapes as code points, named
 * groups as `(?P<name>…)`, Annex B leniencies (`\a`, a lone `{`, legacy octal) resolved.
 * Lookbehind is kept (RE2JS runs captureless lookbehinds in linear time); lookahead,
 * backreferences and v-flag set operations are refused. Syntax is checked by V8 first, so
 * the author gets JavaScript's own message for a broken pattern.
 */
export function translateJavaScript(pattern: string, flags = ""): Translation {
  try {
    new RegExp(pattern, flags);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new RegexError(
      "syntax",
      pattern,
      message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, ""),
    );
  }
  return new JavaScriptTranslator(pattern, flags).translate();
}

class JavaScriptTranslator {
  private readonly scanner: PatternScanner;
  private readonly unicode: boolean;
  private readonly unicodeSets: boolean;
  private readonly captures: { readonly count: number; readonly named: boolean };
  private lookbehind = false;
  /** The `s` flag per open group (JavaScript modifiers `(?s:…)` scope it). */
  private readonly dotAll: boolean[];

  private readonly flags: string;

  constructor(pattern: string, flags: string) {
    this.flags = flags;
    this.scanner = new PatternScanner(pattern);
    this.unicodeSets = flags.includes("v");
    this.unicode = flags.includes("u") || this.unicodeSets;
    this.captures = countCaptures(pattern);
    this.dotAll = [flags.includes("s")];
  }

  translate(): Translation {
    const global = (this.flags.includes("i") ? "i" : "") + (this.flags.includes("m") ? "m" : "");
    if (global !== "") this.scanner.emit(`(?${global})`);
    while (!this.scanner.done) this.term();
    return { source: this.scanner.result(), lookbehind: this.lookbehind };
  }

  private term(): void {
    const scanner = this.scanner;
    const at = scanner.pos;
    const char = scanner.next();
    if (char === "\\") scanner.emit(this.escape(at, false).text);
    else if (char === "[") this.characterClass(at);
    else if (char === "(") this.group(at);
    else if (char === ")") {
      this.dotAll.pop();
      scanner.emit(")");
    } else if (char === ".") scanner.emit(this.dotAll.at(-1) ? "(?s:.)" : JS_DOT);
    else if (char === "{") scanner.emit(this.brace(at));
    else if (char === "}" || char === "]") scanner.emit(`\\${char}`);
    else if ("^$|*+?".includes(char)) scanner.emit(char);
    else scanner.emit(this.literal(char, at, false));
  }

  /** `{n}`, `{n,}`, `{n,m}` is a quantifier; any other `{` is a literal (Annex B). */
  private brace(at: number): string {
    const scanner = this.scanner;
    scanner.pos = at;
    const quantifier = scanner.take(/\{(\d+)(?:,(\d*))?\}/y);
    if (!quantifier) {
      scanner.pos = at + 1;
      return "\\{";
    }
    const counts = [quantifier[1], quantifier[2]].filter((count) => count !== undefined && count !== "");
    if (counts.some((count) => Number(count) > MAX_REPEAT)) {
      scanner.fail(
        "unsupported",
        `the repetition ${quantifier[0]} is over ${MAX_REPEAT}, the most RE2 allows`,
        at,
      );
    }
    return quantifier[0];
  }

  private group(at: number): void {
    const scanner = this.scanner;
    const inherited = this.dotAll.at(-1) ?? false;
    if (scanner.peek() !== "?") {
      this.dotAll.push(inherited);
      scanner.emit("(");
      return;
    }
    if (scanner.lookingAt("?=") || scanner.lookingAt("?!")) {
      scanner.fail(
        "unsupported",
        `lookahead "(${scanner.pattern.slice(at + 1, at + 3)}" is not supported: ${LINEAR_ENGINE_NOTE}`,
        at,
      );
    }
    if (scanner.lookingAt("?<=") || scanner.lookingAt("?<!")) {
      this.lookbehind = true;
      scanner.emit(`(${scanner.pattern.slice(at + 1, at + 4)}`);
      scanner.pos += 3;
      this.dotAll.push(inherited);
      return;
    }
    const named = scanner.take(/\?<([^>]*)>/y);
    if (named) {
      scanner.emit(`(?P<${groupName(scanner, named[1]!, at)}>`);
      this.dotAll.push(inherited);
      return;
    }
    const modifiers = scanner.take(/\?([ims]*)(?:-([ims]*))?:/y);
    if (!modifiers) this.scanner.fail("syntax", "invalid group", at);
    const [, add = "", remove = ""] = modifiers;
    this.dotAll.push(add.includes("s") ? true : remove.includes("s") ? false : inherited);
    const re2Add = add.replace("s", "");
    const re2Remove = remove.replace("s", "");
    scanner.emit(`(?${re2Add}${re2Remove === "" ? "" : `-${re2Remove}`}:`);
  }

  /**
   * An escape after `\` (the cursor is after the backslash). `set` is true for a class
   * escape such as `\d`, which cannot be a range end point.
   */
  private escape(at: number, inClass: boolean): { readonly text: string; readonly set: boolean } {
    const scanner = this.scanner;
    const char = scanner.next();
    const set = (text: string) => ({ text, set: true });
    const single = (text: string) => ({ text, set: false });
    switch (char) {
      case "d":
      case "D":
      case "w":
      case "W":
        return set(`\\${char}`);
      case "s":
      case "S":
        return set(
          inClass ? spaceClassBody("javascript", char === "S") : spaceClass("javascript", char === "S"),
        );
      case "b":
      case "B":
        return single(inClass ? codePointEscape(8) : `\\${char}`);
      case "f":
      case "n":
      case "r":
      case "t":
      case "v":
        return single(`\\${char}`);
      case "p":
      case "P":
        return this.unicode ? set(translateProperty(scanner, char === "P", at)) : single("p");
      case "c":
        return single(this.control(inClass));
      case "x":
        return single(this.hexEscape());
      case "u":
        return single(this.unicodeEscape(at));
      case "q":
        if (inClass && this.unicodeSets) {
          scanner.fail("unsupported", "\\q{…} string literals in classes are not supported", at);
        }
        return single("q");
      case "k":
        if (!inClass && (this.unicode || this.captures.named)) this.backreference(at);
        return single("k");
      default:
        if (char >= "0" && char <= "9") return single(this.decimalEscape(char, at, inClass));
        return single(this.literal(char, at, inClass));
    }
  }

  private backreference(at: number): never {
    return this.scanner.fail("unsupported", `backreferences are not supported: ${LINEAR_ENGINE_NOTE}`, at);
  }

  /** `\cX` is a control character; Annex B: a bare `\c` is a backslash followed by "c". */
  private control(inClass: boolean): string {
    const scanner = this.scanner;
    const letter = scanner.peek();
    if (/[A-Za-z]/.test(letter) || (inClass && !this.unicode && /[0-9_]/.test(letter))) {
      scanner.next();
      return codePointEscape(letter.charCodeAt(0) % 32);
    }
    scanner.pos -= 1; // the "c" is read again as a literal
    return "\\\\";
  }

  private hexEscape(): string {
    const hex = this.scanner.take(/[0-9A-Fa-f]{2}/y);
    return hex ? codePointEscape(Number.parseInt(hex[0], 16)) : "x";
  }

  private unicodeEscape(at: number): string {
    const scanner = this.scanner;
    const braced = this.unicode ? scanner.take(/\{([0-9A-Fa-f]+)\}/y) : null;
    let codePoint: number;
    if (braced) codePoint = Number.parseInt(braced[1]!, 16);
    else {
      const hex = scanner.take(/[0-9A-Fa-f]{4}/y);
      if (!hex) return "u";
      codePoint = Number.parseInt(hex[0], 16);
      const low =
        codePoint >= 0xd800 && codePoint <= 0xdbff ? scanner.take(/\\u(d[c-f][0-9a-f]{2})/iy) : null;
      if (low) codePoint = 0x10000 + ((codePoint - 0xd800) << 10) + (Number.parseInt(low[1]!, 16) - 0xdc00);
    }
    if (!isMatchableCodePoint(codePoint)) {
      scanner.fail("unsupported", "a lone surrogate cannot be matched: RE2 works on whole code points", at);
    }
    return codePointEscape(codePoint);
  }

  /** `\0`, backreferences `\1`…, and (without `u`) legacy octal `\12` or a literal `\8`. */
  private decimalEscape(first: string, at: number, inClass: boolean): string {
    const scanner = this.scanner;
    const digitsStart = scanner.pos - 1;
    if (first === "0" && !/[0-9]/.test(scanner.peek())) return codePointEscape(0);
    if (this.unicode) {
      if (inClass) scanner.fail("syntax", "invalid class escape", at);
      return this.backreference(at);
    }
    scanner.pos = digitsStart;
    const decimal = scanner.take(/[0-9]+/y)![0];
    if (!inClass && first !== "0" && Number(decimal) <= this.captures.count) this.backreference(at);
    scanner.pos = digitsStart;
    if (first === "8" || first === "9") {
      scanner.pos += 1;
      return first;
    }
    const octal = scanner.take(first <= "3" ? /[0-7]{1,3}/y : /[0-7]{1,2}/y)![0];
    return codePointEscape(Number.parseInt(octal, 8));
  }

  private literal(char: string, at: number, inClass: boolean): string {
    return literalAt(this.scanner, char, at, inClass);
  }

  private characterClass(at: number): void {
    const scanner = this.scanner;
    const negated = scanner.peek() === "^";
    if (negated) scanner.next();
    if (scanner.peek() === "]") {
      scanner.next();
      scanner.emit(negated ? ANY_CODE_POINT : NO_CODE_POINT);
      return;
    }
    const items = new ClassItems();
    while (!scanner.done && scanner.peek() !== "]") {
      const itemAt = scanner.pos;
      const char = scanner.next();
      if (this.unicodeSets && (char === "[" || ((char === "&" || char === "-") && scanner.peek() === char))) {
        scanner.fail("unsupported", "v-flag set operations and nested classes are not supported", itemAt);
      }
      if (char === "-") items.addDash(scanner.peek() !== "]" && this.nextIsSingle());
      else if (char === "\\") {
        const escaped = this.escape(itemAt, true);
        items.add(escaped.text, !escaped.set);
      } else items.add(this.literal(char, itemAt, true), true);
    }
    if (scanner.done) scanner.fail("syntax", "unterminated character class", at);
    scanner.next();
    scanner.emit(`[${negated ? "^" : ""}${items.body()}]`);
  }

  /** Whether the class item at the cursor is one character (a range end point), not a set like `\d`. */
  private nextIsSingle(): boolean {
    const scanner = this.scanner;
    if (scanner.peek() !== "\\") return true;
    return !/[dDwWsS]/.test(scanner.peek(1)) && !(this.unicode && /[pP]/.test(scanner.peek(1)));
  }
}

function groupName(scanner: PatternScanner, name: string, at: number): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    scanner.fail(
      "unsupported",
      `the group name "${name}" is not supported: use ASCII letters, digits and _`,
      at,
    );
  }
  return name;
}
