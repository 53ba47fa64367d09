/**
 * The literal text every match of an anchored regular expression starts with (JavaScript or
 * Python syntax: both escape punctuation the same way), used to bucket step definitions so a
 * step is only tested against plausible candidates.
 */

/**
 * Walks a regex source from `from`, skipping escapes and character classes and tracking the
 * group depth, and returns the first index where `stop(char, depthAfterChar)` holds, or -1.
 */
function scanRegexSource(
  source: string,
  from: number,
  stop: (char: string, depth: number) => boolean,
): number {
  let depth = 0;
  let inClass = false;
  for (let index = from; index < source.length; index++) {
    const char = source[index] ?? "";
    if (char === "\\") {
      index++;
      continue;
    }
    if (inClass) {
      if (char === "]") inClass = false;
      continue;
    }
    if (char === "[") inClass = true;
    else if (char === "(") depth++;
    else if (char === ")") depth--;
    if (stop(char, depth)) return index;
  }
  return -1;
}

function closingParen(source: string, open: number): number {
  return scanRegexSource(source, open, (char, depth) => char === ")" && depth === 0);
}

function hasTopLevelAlternation(source: string): boolean {
  return scanRegexSource(source, 0, (char, depth) => char === "|" && depth === 0) !== -1;
}

/** Lower-cased literal prefix of an anchored (`^…`) source, or "" when there is none. */
export function literalPrefix(source: string, multiline = false): string {
  if (!source.startsWith("^") || multiline) return "";
  let body = source.slice(1);
  // `^(?:…)$` as produced by the anchoring wrappers: look inside the group.
  if (body.startsWith("(?:") && closingParen(body, 0) === body.length - 2 && body.endsWith(")$"))
    body = body.slice(3, -2);
  if (hasTopLevelAlternation(body)) return "";
  let prefix = "";
  for (let index = 0; index < body.length; index++) {
    let char = body[index] ?? "";
    let width = 1;
    if (char === "\\") {
      const next = body[index + 1] ?? "";
      if (!/^[^A-Za-z0-9]$/.test(next)) break;
      char = next;
      width = 2;
    } else if ("()[]{}.*+?|^$".includes(char)) {
      break;
    }
    const following = body[index + width] ?? "";
    if (following === "?" || following === "*" || following === "{") break;
    prefix += char;
    index += width - 1;
  }
  return prefix.toLowerCase();
}
