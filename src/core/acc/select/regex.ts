/**
 * The one place where regexes written in a config (selectors, exemptions) are compiled, so
 * that switching to a linear-time engine is one change here.
 */
export function compileConfigRegex(source: string): RegExp {
  return new RegExp(source);
}

/** Why a config regex does not compile, or null. */
export function configRegexProblem(source: string): string | null {
  try {
    compileConfigRegex(source);
    return null;
  } catch (error) {
    return `regex "${source}" does not compile: ${(error as Error).message}`;
  }
}

/** Escapes text for use as a literal inside a regex. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

const wildcards = new Map<string, RegExp>();

/** A whole-string pattern where `*` matches anything (also "/") and everything else is literal. */
export function wildcardRegex(pattern: string): RegExp {
  let regex = wildcards.get(pattern);
  if (!regex) {
    regex = new RegExp(`^${pattern.split("*").map(escapeRegex).join(".*")}$`);
    wildcards.set(pattern, regex);
  }
  return regex;
}
