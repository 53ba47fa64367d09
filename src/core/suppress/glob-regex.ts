import { braceExpand } from "minimatch";
import { MAX_BRACE_EXPANSIONS } from "../config/globs.ts";

/**
 * Translates a glob into one regex source (JavaScript syntax, run by the linear-time engine
 * in src/core/regex, never by V8: `*a*a*a…b` would backtrack) with minimatch's `dot: true` semantics for repo-relative
 * paths: `*` and `?` never cross `/`, `**` as a whole segment spans zero or more segments,
 * `[...]` classes, `\` escapes and `{a,b}` / `{1..3}` braces (expanded by minimatch itself).
 * A compiled test costs tens of nanoseconds where minimatch's matcher costs microseconds,
 * which is what lets a million findings be matched in well under a second. The source is
 * matched against the whole subject (no anchors in it).
 *
 * Returns null for what it does not translate (extglobs such as `+(a|b)`, POSIX classes,
 * escapes inside classes); the caller then uses minimatch. A test compares both on many
 * patterns and paths.
 */
export function globToRegexSource(pattern: string): string | null {
  const alternatives: string[] = [];
  for (const expanded of braceExpand(pattern, { braceExpandMax: MAX_BRACE_EXPANSIONS })) {
    const source = expandedToSource(expanded);
    if (source === null) return null;
    alternatives.push(source);
  }
  if (alternatives.length === 0) return null;
  return alternatives.length === 1 ? alternatives[0]! : `(?:${alternatives.join("|")})`;
}

const SEGMENT = "[^/]+";

function expandedToSource(pattern: string): string | null {
  if (pattern === "" || pattern.startsWith("/") || pattern.endsWith("/") || pattern.includes("//"))
    return null;
  const segments = pattern.split("/");
  let source = "";
  for (let i = 0; i < segments.length; i += 1) {
    const segment = segments[i]!;
    const last = i === segments.length - 1;
    if (segment === "**") {
      // Not last: any number of whole segments, each with its slash. Last: at least one segment.
      source += last ? `${SEGMENT}(?:/${SEGMENT})*` : `(?:${SEGMENT}/)*`;
      continue;
    }
    if (segment === "." || segment === "..") return null;
    const translated = segmentToSource(segment);
    if (translated === null) return null;
    source += last ? translated : `${translated}/`;
  }
  return source;
}

function segmentToSource(segment: string): string | null {
  let source = "";
  // A segment made only of stars matches a non-empty name, like minimatch.
  if (/^\*+$/.test(segment)) return SEGMENT;
  for (let i = 0; i < segment.length; i += 1) {
    const char = segment[i]!;
    const next = segment[i + 1];
    if ("+@!?*".includes(char) && next === "(") return null; // extglob
    if (char === "\\") {
      if (next === undefined) return null;
      source += escapeRegExp(next);
      i += 1;
    } else if (char === "*") {
      source += "[^/]*";
    } else if (char === "?") {
      source += "[^/]";
    } else if (char === "[") {
      const end = segment.indexOf("]", i + 2);
      if (end === -1) return null;
      let body = segment.slice(i + 1, end);
      if (body.includes("\\") || body.includes("[") || body.includes("/") || body.startsWith("]"))
        return null;
      let negate = false;
      if (body.startsWith("!") || body.startsWith("^")) {
        negate = true;
        body = body.slice(1);
      }
      if (body === "") return null;
      source += negate ? `[^/${body}]` : `[${body}]`;
      i = end;
    } else {
      source += escapeRegExp(char);
    }
  }
  return source;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}
