/**
 * Globs with named captures (`packages/{pkg}/src/**`): `{name}` matches one or more
 * characters inside one path segment and remembers them. Plain globs go through minimatch
 * (components.ts); a glob with captures is translated here into a regex with named groups
 * supporting the same syntax: `*`, `?`, `[…]`, `**` as a whole segment, `{a,b}` alternatives.
 * A capture whose name is already bound (by the rule's `from`) matches only the bound value.
 */
import { escapeRegex } from "./regex.ts";

const CAPTURE = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The capture names of a glob, in order of first appearance. */
export function globCaptureNames(glob: string): string[] {
  const names: string[] = [];
  for (const match of glob.matchAll(CAPTURE)) if (!names.includes(match[1]!)) names.push(match[1]!);
  return names;
}

export function captureGlobRegex(glob: string, bound?: Readonly<Record<string, string>>): RegExp {
  const segments = glob.split("/");
  const seen = new Set<string>();
  let source = "^";
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === "**") source += last ? ".*" : "(?:[^/]+/)*";
    else source += segmentSource(segment, bound, seen) + (last ? "" : "/");
  });
  return new RegExp(`${source}$`);
}

function segmentSource(
  segment: string,
  bound: Readonly<Record<string, string>> | undefined,
  seen: Set<string>,
): string {
  let out = "";
  for (let i = 0; i < segment.length; i++) {
    const char = segment[i]!;
    if (char === "*") out += "[^/]*";
    else if (char === "?") out += "[^/]";
    else if (char === "[") {
      const close = segment.indexOf("]", i + 2);
      if (close < 0) {
        out += "\\[";
        continue;
      }
      const body = segment
        .slice(i + 1, close)
        .replace(/^!/, "^")
        .replace(/\\/g, "\\\\");
      out += `[${body}]`;
      i = close;
    } else if (char === "{") {
      const close = matchingBrace(segment, i);
      if (close < 0) {
        out += "\\{";
        continue;
      }
      const body = segment.slice(i + 1, close);
      out += braceSource(body, bound, seen);
      i = close;
    } else out += escapeRegex(char);
  }
  return out;
}

function braceSource(
  body: string,
  bound: Readonly<Record<string, string>> | undefined,
  seen: Set<string>,
): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(body)) {
    const value = bound?.[body];
    if (value !== undefined) return escapeRegex(value);
    if (seen.has(body)) return `\\k<${body}>`;
    seen.add(body);
    return `(?<${body}>[^/]+)`;
  }
  return `(?:${splitAlternatives(body)
    .map((alternative) => segmentSource(alternative, bound, seen))
    .join("|")})`;
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return i;
  }
  return -1;
}

function splitAlternatives(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === "{") depth++;
    else if (body[i] === "}") depth--;
    else if (body[i] === "," && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}
