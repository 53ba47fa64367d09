import { braceExpand } from "minimatch";
import { safeRegexProblem } from "../regex/index.ts";

/** Longer globs are refused: no real path pattern comes near it, and every check below is linear in it. */
export const MAX_GLOB_LENGTH = 1_000;
/**
 * `{a,b}` and `{1..9}` multiply: `q{1..100000}/**` is 100,000 patterns, and minimatch would
 * build every one of them for every match. Real configs use a handful.
 */
export const MAX_BRACE_EXPANSIONS = 1_000;

/**
 * Syntax checks for the minimatch globs of the config. minimatch never rejects a pattern:
 * an unbalanced bracket or brace silently becomes a literal that matches nothing, which is
 * exactly the "rule that never fires" the config must not allow. So the mistakes users
 * make are caught here and reported as config errors.
 */
export function globProblem(pattern: string): string | null {
  if (pattern.trim() === "") return "a glob must not be empty";
  if (pattern.includes("\\")) return `glob "${pattern}" contains "\\": paths use "/" as separator`;
  if (pattern.startsWith("/"))
    return `glob "${pattern}" starts with "/": globs are relative to the repository root`;
  if (pattern.startsWith("./")) return `glob "${pattern}" starts with "./": write it without the "./"`;
  if (pattern.split("/").includes(".."))
    return `glob "${pattern}" contains "..": globs cannot leave the repository`;
  return bracketProblem(pattern) ?? globSizeProblem(pattern);
}

/**
 * A glob too long, or whose braces expand to too many patterns, or null. Expansion stops
 * one past the limit, so checking costs no more than the limit.
 */
export function globSizeProblem(pattern: string): string | null {
  if (pattern.length > MAX_GLOB_LENGTH) {
    return `glob "${pattern.slice(0, 60)}…" is ${pattern.length} characters long; the limit is ${MAX_GLOB_LENGTH}`;
  }
  if (!pattern.includes("{")) return null;
  if (braceExpand(pattern, { braceExpandMax: MAX_BRACE_EXPANSIONS + 1 }).length > MAX_BRACE_EXPANSIONS) {
    return `glob "${pattern}" expands its braces to more than ${MAX_BRACE_EXPANSIONS} patterns; list fewer alternatives or use * and **`;
  }
  return null;
}

function bracketProblem(pattern: string): string | null {
  let braces = 0;
  let parens = 0;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === "[") {
      const close = pattern.indexOf("]", i + 2);
      if (close < 0) return `glob "${pattern}" has an unclosed "["`;
      const reversed = reversedRange(pattern.slice(i + 1, close));
      if (reversed) return `glob "${pattern}" has the reversed character range "${reversed}"`;
      i = close;
    } else if (char === "{") {
      braces++;
    } else if (char === "}") {
      if (--braces < 0) return `glob "${pattern}" has a "}" without "{"`;
    } else if (char === "(") {
      parens++;
    } else if (char === ")") {
      if (--parens < 0) return `glob "${pattern}" has a ")" without "("`;
    }
  }
  if (braces > 0) return `glob "${pattern}" has an unclosed "{"`;
  if (parens > 0) return `glob "${pattern}" has an unclosed "("`;
  return null;
}

function reversedRange(cls: string): string | null {
  const body = cls.startsWith("!") || cls.startsWith("^") ? cls.slice(1) : cls;
  for (let i = 0; i + 2 < body.length; i++) {
    if (body[i + 1] === "-" && body[i]! > body[i + 2]!) return body.slice(i, i + 3);
  }
  return null;
}

/**
 * A regex that does not compile, or cannot run on the linear-time engine (lookahead,
 * backreferences; see src/core/regex), or null.
 */
export function regexProblem(pattern: string): string | null {
  const problem = safeRegexProblem(pattern);
  if (problem === null) return null;
  const verb = problem.kind === "syntax" ? "does not compile" : "cannot be used";
  return `regex "${pattern}" ${verb}: ${problem.reason}`;
}
