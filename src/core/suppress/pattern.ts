import { Minimatch } from "minimatch";
import { globSizeProblem, MAX_BRACE_EXPANSIONS } from "../config/globs.ts";
import { compileSafeRegex, type SafeRegex, safeRegexProblem } from "../regex/index.ts";
import { globToRegexSource } from "./glob-regex.ts";
import type { PatternType, SuppressionLevel } from "./model.ts";

/**
 * Pattern normalisation, syntax checks and compilation. Globs are minimatch with
 * `dot: true`: `*` never crosses `/`, `**` does. Regexes match the WHOLE subject (the
 * original matched a prefix only). Suppressions come from comment commands and configs, so
 * regexes and translated globs run on the linear-time engine (src/core/regex), and globs
 * are refused past a size and a brace-expansion count.
 */

export type SubjectTest = (subject: string) => boolean;

export const GLOB_OPTIONS = {
  dot: true,
  nonegate: true,
  nocomment: true,
  braceExpandMax: MAX_BRACE_EXPANSIONS,
} as const;
/** Characters that make a path segment non-literal (conservative: extglob and escapes too). */
const MAGIC = /[*?[\]{}()!+@\\]/;

/**
 * File and directory paths are repo-relative: a leading `/` or `./` (as the original's
 * `/app/services`) anchors at the root and is dropped, and so is a directory's trailing `/`.
 * Regexes and violation/rule patterns are left as written.
 */
export function normalizePattern(level: SuppressionLevel, patternType: PatternType, pattern: string): string {
  const trimmed = pattern.trim();
  if (patternType === "regex" || (level !== "file" && level !== "directory")) return trimmed;
  let path = trimmed.replace(/^(\.\/)+/, "").replace(/^\/+/, "");
  if (level === "directory") path = path.replace(/\/+$/, "");
  return path;
}

/** A problem with the pattern's syntax, or null when it compiles. */
export function patternSyntaxError(patternType: PatternType, pattern: string): string | null {
  if (pattern.trim() === "") return "the pattern is empty";
  if (patternType === "regex") {
    const problem = safeRegexProblem(pattern);
    return problem === null ? null : `invalid regex /${pattern}/: ${problem.reason}`;
  }
  if (patternType === "glob") return globSyntaxError(pattern) ?? globSizeProblem(pattern);
  return null;
}

/**
 * minimatch treats an unbalanced `[`, `{` or `(` as a literal character, which silently
 * matches nothing the author meant; we reject it instead.
 */
function globSyntaxError(pattern: string): string | null {
  const closing: Record<string, string> = { "[": "]", "{": "}", "(": ")" };
  const stack: string[] = [];
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i]!;
    if (char === "\\") {
      if (i === pattern.length - 1) return `invalid glob "${pattern}": it ends with an escape character`;
      i += 1;
      continue;
    }
    if (stack.at(-1) === "[") {
      if (char === "]") stack.pop();
      continue;
    }
    if (char === "[" || char === "{" || char === "(") stack.push(char);
    else if (char === "]" || char === "}" || char === ")") {
      const open = stack.pop();
      if (open === undefined || closing[open] !== char) {
        return `invalid glob "${pattern}": unbalanced "${char}" at position ${i + 1}`;
      }
    }
  }
  const open = stack.at(-1);
  if (open !== undefined) return `invalid glob "${pattern}": "${open}" is never closed`;
  if (pattern.includes("\u0000")) return `invalid glob "${pattern}": it contains a NUL character`;
  return null;
}

/** True when a glob has no magic at all, so it is matched by string equality. */
export function isLiteralGlob(pattern: string): boolean {
  return !MAGIC.test(pattern);
}

/**
 * The leading path segments of a glob that contain no magic, joined with `/` ("" when the
 * first segment is magic). Any path the glob matches starts with exactly these segments,
 * which lets the matcher test a glob only against subjects under that prefix.
 */
export function literalPrefix(pattern: string): string {
  const segments = pattern.split("/");
  const literal: string[] = [];
  for (let i = 0; i < segments.length - 1; i += 1) {
    const segment = segments[i]!;
    if (MAGIC.test(segment)) break;
    literal.push(segment);
  }
  return literal.join("/");
}

/**
 * The linear-time regex a validated regex or glob compiles to, matched against the whole
 * subject (`testWhole`), or null for an exact pattern or a glob only minimatch understands
 * (extglobs).
 */
export function patternRegex(patternType: PatternType, pattern: string): SafeRegex | null {
  if (patternType === "exact") return null;
  if (patternType === "regex") return compileSafeRegex(pattern);
  const source = globToRegexSource(pattern);
  return source === null ? null : compileSafeRegex(source);
}

/** Compiles a validated pattern into a predicate; call once per distinct pattern. */
export function compilePattern(patternType: PatternType, pattern: string): SubjectTest {
  if (patternType === "exact") return (subject) => subject === pattern;
  const regex = patternRegex(patternType, pattern);
  if (regex !== null) return (subject) => regex.testWhole(subject);
  const glob = new Minimatch(pattern, GLOB_OPTIONS);
  return (subject) => glob.match(subject);
}

/** The directory of a repo-relative file and each ancestor, deepest first ("a/b/c.ts" → ["a/b", "a"]). */
export function ancestorDirectories(file: string): string[] {
  const result: string[] = [];
  let end = file.lastIndexOf("/");
  while (end > 0) {
    result.push(file.slice(0, end));
    end = file.lastIndexOf("/", end - 1);
  }
  return result;
}
