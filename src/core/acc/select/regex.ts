/**
 * The one place where regexes written in a config (selectors, exemptions) are compiled:
 * they run on the linear-time engine of src/core/regex, so no pattern can make matching a
 * path slow, and a pattern that would need backtracking is a config error.
 */
import { regexProblem } from "../../config/globs.ts";
import { compileSafeRegex, type SafeRegex } from "../../regex/index.ts";

export interface ConfigRegexMatch {
  /** `groups[0]` is the whole match; `groups[i]` capture i (undefined when it took no part). */
  readonly groups: readonly (string | undefined)[];
  readonly named: Readonly<Record<string, string>>;
}

export interface ConfigRegex {
  test(input: string): boolean;
  /** The first match anywhere in the input (`RegExp.prototype.exec`), or null. */
  exec(input: string): ConfigRegexMatch | null;
}

export function compileConfigRegex(source: string): ConfigRegex {
  const regex: SafeRegex = compileSafeRegex(source, { dialect: "javascript" });
  return {
    test: (input) => regex.test(input),
    exec(input) {
      const match = regex.search(input);
      if (match === null) return null;
      const named: Record<string, string> = {};
      for (const [name, group] of Object.entries(match.named)) if (group !== null) named[name] = group.text;
      return { groups: match.groups.map((group) => group?.text), named };
    },
  };
}

/** Why a config regex cannot be used (syntax, or needs backtracking), or null. */
export function configRegexProblem(source: string): string | null {
  return regexProblem(source);
}

/** The number of capture groups of a config regex (0 when it does not compile). */
export function configRegexGroups(source: string): { count: number; names: string[] } {
  try {
    const regex = compileSafeRegex(source, { dialect: "javascript" });
    return { count: regex.groupCount, names: Object.keys(regex.groupNames) };
  } catch {
    return { count: 0, names: [] };
  }
}

/** Escapes text for use as a literal inside a regex. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

const wildcards = new Map<string, SafeRegex>();

/**
 * A whole-string pattern where `*` matches anything (also "/") and everything else is literal.
 * On the linear-time engine: `a*a*a*…a` would backtrack polynomially on V8.
 */
export function wildcardRegex(pattern: string): Pick<SafeRegex, "test"> {
  let regex = wildcards.get(pattern);
  if (!regex) {
    regex = compileSafeRegex(`^${pattern.split("*").map(escapeRegex).join(".*")}$`);
    wildcards.set(pattern, regex);
  }
  return regex;
}
