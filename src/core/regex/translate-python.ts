import { codePointEscape, isMatchableCodePoint, spaceClass, spaceClassBody } from "./charsets.ts";
import { LINEAR_ENGINE_NOTE, RegexError } from "./errors.ts";
import { ClassItems, literalAt, PatternScanner } from "./scanner.ts";
import { MAX_REPEAT, type Translation } from "./translate-javascript.ts";

/** Python `re` flags the translator knows (`L` is for bytes patterns and refused). */
const PYTHON_FLAGS = /^[aimsuxL]*$/;
const UNICODE_WORD_BODY = "\\p{L}\\p{N}_";

/** Group prefixes (after "(") that need backtracking, and what to call them. */
const UNSUPPORTED_GROUPS: readonly (readonly [string, string])[] = [
  ["?=", "lookaheads"],
  ["?!", "lookaheads"],
  ["?P=", "backreferences"],
  ["?>", "atomic groups"],
  ["?(", "conditional groups"],
];

interface Scope {
  /** `(?a)`: `\d`, `\w`, `\s` are ASCII. */
  readonly ascii: boolean;
  /** `(?x)`: whitespace and `#` comments outside classes are ignored. */
  readonly verbose: boolean;
}

/**
 * Rewrites a Python `re` pattern (a str pattern, as behave and pytest-bdd compile) into RE2
 * syntax: Unicode `\d` `\w` `\s` spelled out (RE2's are ASCII), `\Z` as `\z`, `{,n}`,
 * verbose mode and `(?#…)` comments resolved. Backreferences, lookahead, conditionals,
 * atomic groups and possessive quantifiers are refused. Known differences that remain: `\b`
 * is ASCII, and `$` without `(?m)` does not match before a final newline.
 */
export function translatePython(pattern: string, flags = ""): Translation {
  if (!PYTHON_FLAGS.test(flags)) throw new RegexError("syntax", pattern, `unknown Python flags "${flags}"`);
  return new PythonTranslator(pattern, flags).translate();
}

class PythonTranslator {
  private readonly scanner: PatternScanner;
  private lookbehind = false;
  private readonly scopes: Scope[];
  private readonly global: Set<string>;

  constructor(pattern: string, flags: string) {
    this.scanner = new PatternScanner(pattern);
    this.global = new Set(flags);
    this.scopes = [];
  }

  private get scope(): Scope {
    return this.scopes.at(-1)!;
  }

  translate(): Translation {
    const scanner = this.scanner;
    for (
      let flags = scanner.take(/\(\?([aiLmsux]+)\)/y);
      flags;
      flags = scanner.take(/\(\?([aiLmsux]+)\)/y)
    ) {
      for (const flag of flags[1]!) this.global.add(flag);
    }
    if (this.global.has("L"))
      scanner.fail("unsupported", "the LOCALE flag (?L) is only for bytes patterns", 0);
    this.scopes.push({ ascii: this.global.has("a"), verbose: this.global.has("x") });
    const re2Flags = [..."ims"].filter((flag) => this.global.has(flag)).join("");
    if (re2Flags !== "") scanner.emit(`(?${re2Flags})`);
    while (!scanner.done) this.term();
    if (this.scopes.length > 1) scanner.fail("syntax", "missing ), unterminated subpattern");
    return { source: scanner.result(), lookbehind: this.lookbehind };
  }

  private term(): void {
    const scanner = this.scanner;
    const at = scanner.pos;
    const char = scanner.next();
    if (this.scope.verbose && /\s/.test(char)) return;
    if (this.scope.verbose && char === "#") {
      while (!scanner.done && scanner.peek() !== "\n") scanner.next();
      return;
    }
    if (char === "\\") scanner.emit(this.escape(at, false).text);
    else if (char === "[") this.characterClass(at);
    else if (char === "(") this.group(at);
    else if (char === ")") {
      if (this.scopes.length === 1) scanner.fail("syntax", "unbalanced parenthesis", at);
      this.scopes.pop();
      scanner.emit(")");
    } else if (char === "*" || char === "+" || char === "?") this.quantifier(char, at);
    else if (char === "{") this.brace(at);
    else if (char === "}" || char === "]") scanner.emit(`\\${char}`);
    else if (char === "." || char === "^" || char === "$" || char === "|") scanner.emit(char);
    else scanner.emit(literalAt(scanner, char, at, false));
  }

  private quantifier(text: string, at: number): void {
    const scanner = this.scanner;
    scanner.emit(text);
    if (scanner.peek() === "?") scanner.emit(scanner.next());
    else if (scanner.peek() === "+") {
      scanner.fail("unsupported", `possessive quantifiers are not supported: ${LINEAR_ENGINE_NOTE}`, at);
    }
  }

  /** `{n}` `{n,}` `{,m}` `{n,m}` is a quantifier (as sre_parse reads it); any other `{` a literal. */
  private brace(at: number): void {
    const scanner = this.scanner;
    scanner.pos = at;
    const match = scanner.take(/\{(\d*)(,(\d*))?\}/y);
    if (!match || match[0] === "{}") {
      scanner.pos = at + 1;
      scanner.emit("\\{");
      return;
    }
    const [, lo = "", comma, hi = ""] = match;
    if ([lo, hi].some((count) => count !== "" && Number(count) > MAX_REPEAT)) {
      scanner.fail(
        "unsupported",
        `the repetition ${match[0]} is over ${MAX_REPEAT}, the most RE2 allows`,
        at,
      );
    }
    const min = lo === "" ? "0" : lo;
    this.quantifier(comma === undefined ? `{${min}}` : `{${min},${hi}}`, at);
  }

  private group(at: number): void {
    const scanner = this.scanner;
    const refused = UNSUPPORTED_GROUPS.find(([prefix]) => scanner.lookingAt(prefix));
    if (refused)
      this.scanner.fail("unsupported", `${refused[1]} are not supported: ${LINEAR_ENGINE_NOTE}`, at);
    if (scanner.peek() !== "?") this.open("(");
    else if (scanner.lookingAt("?:")) this.open("(?:", 2);
    else if (scanner.lookingAt("?<=") || scanner.lookingAt("?<!")) {
      this.lookbehind = true;
      this.open(`(${scanner.pattern.slice(at + 1, at + 4)}`, 3);
    } else if (scanner.lookingAt("?#")) {
      const end = scanner.pattern.indexOf(")", at);
      if (end === -1) this.scanner.fail("syntax", "missing ), unterminated comment", at);
      scanner.pos = end + 1;
    } else if (scanner.lookingAt("?P<")) this.namedGroup(at);
    else this.scopedFlags(at);
  }

  private namedGroup(at: number): void {
    const named = this.scanner.take(/\?P<([^>]*)>/y);
    if (!named) this.scanner.fail("syntax", "missing >, unterminated name", at);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(named[1]!)) {
      const reason = `the group name "${named[1]}" is not supported: use ASCII letters, digits and _`;
      this.scanner.fail("unsupported", reason, at);
    }
    this.open(`(?P<${named[1]}>`);
  }

  private open(text: string, skip = 0, scope: Scope = this.scope): void {
    this.scanner.pos += skip;
    this.scanner.emit(text);
    this.scopes.push(scope);
  }

  /** `(?flags-flags:…)`; global `(?flags)` must come first (Python 3.11). */
  private scopedFlags(at: number): void {
    const scanner = this.scanner;
    const match = scanner.take(/\?([aiLmsux]*)(?:-([imsx]*))?([:)])/y);
    if (!match) this.scanner.fail("syntax", "unknown extension", at);
    const [, add = "", remove = "", end] = match;
    if (end === ")") scanner.fail("syntax", "global flags not at the start of the expression", at);
    if (add.includes("L")) scanner.fail("unsupported", "the LOCALE flag (?L) is only for bytes patterns", at);
    const re2 = (flags: string) => [...flags].filter((flag) => "ims".includes(flag)).join("");
    const scope: Scope = {
      ascii: add.includes("a") || this.scope.ascii,
      verbose: add.includes("x") ? true : remove.includes("x") ? false : this.scope.verbose,
    };
    const removed = re2(remove);
    this.open(`(?${re2(add)}${removed === "" ? "" : `-${removed}`}:`, 0, scope);
  }

  private escape(at: number, inClass: boolean): { readonly text: string; readonly set: boolean } {
    const scanner = this.scanner;
    const char = scanner.next();
    const set = (text: string) => ({ text, set: true });
    const single = (text: string) => ({ text, set: false });
    const ascii = this.scope.ascii;
    switch (char) {
      case "d":
      case "D":
        return set(ascii ? `\\${char}` : char === "d" ? "\\p{Nd}" : "\\P{Nd}");
      case "w":
      case "W":
        return set(this.word(char === "W", inClass, at));
      case "s":
      case "S": {
        const dialect = ascii ? "python-ascii" : "python";
        return set(inClass ? spaceClassBody(dialect, char === "S") : spaceClass(dialect, char === "S"));
      }
      case "b":
        return single(inClass ? codePointEscape(8) : "\\b");
      case "B":
      case "A":
      case "Z":
        if (inClass) scanner.fail("syntax", `bad escape \\${char}`, at);
        return single(char === "Z" ? "\\z" : `\\${char}`);
      case "a":
        return single(codePointEscape(7));
      case "f":
      case "n":
      case "r":
      case "t":
      case "v":
        return single(char === "v" ? codePointEscape(0x0b) : `\\${char}`);
      case "x":
      case "u":
      case "U":
        return single(this.hexEscape(char, at));
      case "N":
        return scanner.fail("unsupported", "named Unicode escapes \\N{…} are not supported", at);
      default:
        if (char >= "0" && char <= "9") return single(this.numericEscape(char, at, inClass));
        if (/[A-Za-z]/.test(char)) scanner.fail("syntax", `bad escape \\${char}`, at);
        if (char === "") scanner.fail("syntax", "bad escape (end of pattern)", at);
        return single(literalAt(scanner, char, at + 1, inClass));
    }
  }

  private word(negated: boolean, inClass: boolean, at: number): string {
    if (this.scope.ascii) return negated ? "\\W" : "\\w";
    if (!inClass) return `[${negated ? "^" : ""}${UNICODE_WORD_BODY}]`;
    if (negated) {
      this.scanner.fail(
        "unsupported",
        "\\W inside a class is not supported in Unicode mode; use (?a) or rewrite",
        at,
      );
    }
    return UNICODE_WORD_BODY;
  }

  private hexEscape(kind: string, at: number): string {
    const length = kind === "x" ? 2 : kind === "u" ? 4 : 8;
    const hex = this.scanner.take(new RegExp(`[0-9A-Fa-f]{${length}}`, "y"));
    if (!hex) return this.scanner.fail("syntax", `incomplete escape \\${kind}`, at);
    const codePoint = Number.parseInt(hex[0], 16);
    if (!isMatchableCodePoint(codePoint)) {
      this.scanner.fail("unsupported", `\\${kind}${hex[0]} is not a code point RE2 can match`, at);
    }
    return codePointEscape(codePoint);
  }

  /** sre_parse: `\0oo` and three octal digits are octal; `\1`…`\99` outside a class a group reference. */
  private numericEscape(first: string, at: number, inClass: boolean): string {
    const scanner = this.scanner;
    scanner.pos -= 1;
    const octal = scanner.take(first === "0" ? /0[0-7]{0,2}/y : inClass ? /[0-7]{1,3}/y : /[0-7]{3}/y);
    if (!octal) {
      if (inClass) scanner.fail("syntax", `bad escape \\${first}`, at);
      return scanner.fail("unsupported", `backreferences are not supported: ${LINEAR_ENGINE_NOTE}`, at);
    }
    const value = Number.parseInt(octal[0], 8);
    if (value > 0o377)
      scanner.fail("syntax", `octal escape value \\${octal[0]} outside of range 0-0o377`, at);
    return codePointEscape(value);
  }

  private characterClass(at: number): void {
    const scanner = this.scanner;
    const negated = scanner.peek() === "^";
    if (negated) scanner.next();
    const items = new ClassItems();
    // A "]" right after "[" or "[^" is a literal.
    if (scanner.peek() === "]") items.add(literalAt(scanner, scanner.next(), scanner.pos - 1, true), true);
    while (!scanner.done && scanner.peek() !== "]") {
      const itemAt = scanner.pos;
      const char = scanner.next();
      if (char === "-")
        items.addDash(scanner.peek() !== "]" && !/^\\[dDwWsS]/.test(scanner.pattern.slice(scanner.pos)));
      else if (char === "\\") {
        const escaped = this.escape(itemAt, true);
        items.add(escaped.text, !escaped.set);
      } else items.add(literalAt(scanner, char, itemAt, true), true);
    }
    if (scanner.done) scanner.fail("syntax", "unterminated character set", at);
    scanner.next();
    scanner.emit(`[${negated ? "^" : ""}${items.body()}]`);
  }
}
