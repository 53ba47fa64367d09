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
  return bracketProblem(pattern);
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

/** A regex that does not compile, or null. */
export function regexProblem(pattern: string): string | null {
  try {
    new RegExp(pattern);
    return null;
  } catch (error) {
    return `regex "${pattern}" does not compile: ${(error as Error).message}`;
  }
}
