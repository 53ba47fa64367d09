import { createRequire } from "node:module";
import type { Matcher, RE2JS } from "re2js";
import { once } from "../once.ts";
import { RegexError } from "./errors.ts";
import { type Translation, translateJavaScript } from "./translate-javascript.ts";
import { translatePython } from "./translate-python.ts";

/**
 * Regexes that come from repositories and configs (suppressions, step definitions, parameter
 * types, rule patterns) run here, on RE2JS: a pure-JavaScript port of RE2 whose matching
 * time is linear in the input, whatever the pattern. The author's dialect is translated to
 * RE2 syntax first (see translate-*.ts); what needs backtracking is refused with a RegexError.
 */

/** `javascript`: ECMAScript source + flags; `python`: Python `re` (str patterns); `re2`: RE2 syntax as is. */
export type RegexDialect = "javascript" | "python" | "re2";

export interface SafeRegexOptions {
  /** Default `javascript`. */
  readonly dialect?: RegexDialect;
  /** JavaScript flags (`imsuv`; `g` `y` `d` are accepted and ignored) or Python flags (`aimsux`). */
  readonly flags?: string;
}

/** One capture: its text and UTF-16 offsets into the input (like `String.prototype.slice`). */
export interface RegexGroup {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

export interface RegexMatch extends RegexGroup {
  /** `groups[0]` is the whole match; `groups[i]` capture i, null when it took no part in the match. */
  readonly groups: readonly (RegexGroup | null)[];
  /** Named captures by name. */
  readonly named: Readonly<Record<string, RegexGroup | null>>;
}

export interface SafeRegex {
  readonly pattern: string;
  readonly dialect: RegexDialect;
  readonly flags: string;
  /** What RE2 runs. */
  readonly re2Source: string;
  /** Number of capturing groups. */
  readonly groupCount: number;
  /** Named group → its index. */
  readonly groupNames: Readonly<Record<string, number>>;
  /** A match anywhere in the input (`RegExp.prototype.test`, Python `re.search`). */
  test(input: string): boolean;
  /** The whole input matches (Python `re.fullmatch`; the suppression semantics). */
  testWhole(input: string): boolean;
  /** The first match starting at or after `from` (`RegExp.prototype.exec` with lastIndex). */
  search(input: string, from?: number): RegexMatch | null;
  /** A match that starts at the start of the input (Python `re.match`). */
  matchStart(input: string): RegexMatch | null;
  /** A match of the whole input. */
  matchWhole(input: string): RegexMatch | null;
  /** Every non-overlapping match, left to right. */
  matchAll(input: string): IterableIterator<RegexMatch>;
}

/** Longer patterns are refused: no config or step definition needs one. */
export const MAX_PATTERN_LENGTH = 20_000;
/** RE2 program size (instructions) above which a pattern is refused as too large. */
export const MAX_PROGRAM_SIZE = 100_000;
const CACHE_SIZE = 2_000;

const cache = new Map<string, SafeRegex | RegexError>();

/** RE2JS, loaded when the first pattern compiles: a large module that most checks never need. */
const re2js = once(() => createRequire(import.meta.url)("re2js") as typeof import("re2js"));

/**
 * Compiles a pattern for linear-time matching, or throws a RegexError (syntax, unsupported,
 * too-large) that names the pattern and the position. Results — errors too — are cached.
 */
export function compileSafeRegex(pattern: string, options: SafeRegexOptions = {}): SafeRegex {
  const dialect = options.dialect ?? "javascript";
  const flags = options.flags ?? "";
  const key = `${dialect}\u0000${flags}\u0000${pattern}`;
  let compiled = cache.get(key);
  if (compiled === undefined) {
    try {
      compiled = build(pattern, dialect, flags);
    } catch (error) {
      if (!(error instanceof RegexError)) throw error;
      compiled = error;
    }
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  } else cache.delete(key);
  cache.set(key, compiled);
  if (compiled instanceof RegexError) throw compiled;
  return compiled;
}

/** The reason a pattern cannot be compiled (for config validation), or null. */
export function safeRegexProblem(pattern: string, options: SafeRegexOptions = {}): RegexError | null {
  try {
    compileSafeRegex(pattern, options);
    return null;
  } catch (error) {
    if (error instanceof RegexError) return error;
    throw error;
  }
}

function translate(pattern: string, dialect: RegexDialect, flags: string): Translation {
  if (dialect === "python") return translatePython(pattern, flags);
  if (dialect === "javascript") return translateJavaScript(pattern, flags);
  if (flags !== "")
    throw new RegexError("syntax", pattern, "RE2 patterns take inline flags such as (?i), not flags");
  return { source: pattern, lookbehind: /\(\?<[=!]/.test(pattern) };
}

function build(pattern: string, dialect: RegexDialect, flags: string): SafeRegex {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new RegexError(
      "too-large",
      pattern.slice(0, 80),
      `the pattern is over ${MAX_PATTERN_LENGTH} characters`,
    );
  }
  const translation = translate(pattern, dialect, flags);
  const { RE2JS: Engine, RE2JSException } = re2js();
  let re2: RE2JS;
  try {
    re2 = Engine.compile(translation.source, translation.lookbehind ? Engine.LOOKBEHINDS : 0);
  } catch (error) {
    if (!(error instanceof RE2JSException)) throw error;
    const reason = error.message.replace(/^error parsing regexp: /, "");
    throw new RegexError(
      dialect === "re2" ? "syntax" : "unsupported",
      pattern,
      `RE2 cannot run it: ${reason}`,
    );
  }
  if (re2.programSize() > MAX_PROGRAM_SIZE) {
    throw new RegexError(
      "too-large",
      pattern,
      `it compiles to ${re2.programSize()} instructions (limit ${MAX_PROGRAM_SIZE})`,
    );
  }
  return new Re2Regex(pattern, dialect, flags, translation.source, re2);
}

class Re2Regex implements SafeRegex {
  readonly pattern: string;
  readonly dialect: RegexDialect;
  readonly flags: string;
  readonly re2Source: string;
  readonly groupCount: number;
  readonly groupNames: Readonly<Record<string, number>>;
  private readonly re2: RE2JS;

  constructor(pattern: string, dialect: RegexDialect, flags: string, re2Source: string, re2: RE2JS) {
    this.pattern = pattern;
    this.dialect = dialect;
    this.flags = flags;
    this.re2Source = re2Source;
    this.re2 = re2;
    this.groupCount = re2.groupCount();
    this.groupNames = { ...re2.namedGroups() };
  }

  test(input: string): boolean {
    return this.re2.test(input);
  }

  testWhole(input: string): boolean {
    return this.re2.testExact(input);
  }

  search(input: string, from = 0): RegexMatch | null {
    if (from > input.length) return null;
    const matcher = this.re2.matcher(input);
    return matcher.find(from) ? this.toMatch(matcher, input) : null;
  }

  matchStart(input: string): RegexMatch | null {
    const matcher = this.re2.matcher(input);
    return matcher.lookingAt() ? this.toMatch(matcher, input) : null;
  }

  matchWhole(input: string): RegexMatch | null {
    const matcher = this.re2.matcher(input);
    return matcher.matches() ? this.toMatch(matcher, input) : null;
  }

  *matchAll(input: string): IterableIterator<RegexMatch> {
    const matcher = this.re2.matcher(input);
    while (matcher.find()) yield this.toMatch(matcher, input);
  }

  private toMatch(matcher: Matcher, input: string): RegexMatch {
    const groups: (RegexGroup | null)[] = [];
    for (let i = 0; i <= this.groupCount; i += 1) {
      const start = matcher.start(i);
      const end = matcher.end(i);
      groups.push(start < 0 ? null : { text: input.slice(start, end), start, end });
    }
    const named: Record<string, RegexGroup | null> = {};
    for (const [name, index] of Object.entries(this.groupNames)) named[name] = groups[index] ?? null;
    const whole = groups[0]!;
    return { ...whole, groups, named };
  }
}
