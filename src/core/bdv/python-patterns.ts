/**
 * Turns Python step patterns into JavaScript regular expressions, statically:
 * `parse` / `cfparse` format strings (behave's default matcher, pytest-bdd `parsers.parse`)
 * and Python `re` syntax. The `parse` library matches the whole text, case-insensitively.
 */

const PARSE_TYPES: Record<string, string> = {
  d: String.raw`[-+ ]?(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|\d[\d_]*)`,
  n: String.raw`[-+ ]?\d{1,3}(?:[,.]\d{3})*|[-+ ]?\d+`,
  w: String.raw`\w+`,
  W: String.raw`\W+`,
  s: String.raw`\s+`,
  S: String.raw`\S+`,
  l: "[A-Za-z]+",
  f: String.raw`[-+ ]?\d*\.\d+`,
  F: String.raw`[-+ ]?\d*\.\d+`,
  e: String.raw`[-+ ]?\d*\.\d+[eE][-+]?\d+|[-+ ]?(?:nan|inf)`,
  g: String.raw`[-+ ]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|[-+ ]?(?:nan|inf)`,
  "%": String.raw`[-+ ]?\d+(?:\.\d+)?%`,
  x: "(?:0[xX])?[0-9a-fA-F]+",
  X: "(?:0[xX])?[0-9a-fA-F]+",
  o: "(?:0[oO])?[0-7]+",
  b: "(?:0[bB])?[01]+",
};
const ANY = ".+?";
const DATE_TYPES = new Set(["ti", "te", "tg", "ta", "tc", "th", "ts", "tt"]);

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

export class PatternError extends Error {}

/** The regular expression a `parse` (or, with `cardinality`, `cfparse`) format string compiles to. */
export function parseFormatToRegExp(
  format: string,
  customTypes: ReadonlyMap<string, string | null>,
  cardinality: boolean,
): RegExp {
  let source = "";
  let index = 0;
  while (index < format.length) {
    const char = format[index] ?? "";
    if ((char === "{" || char === "}") && format[index + 1] === char) {
      source += escapeRegExp(char);
      index += 2;
      continue;
    }
    if (char === "}") throw new PatternError(`single '}' at position ${index + 1} of "${format}"`);
    if (char !== "{") {
      source += escapeRegExp(char);
      index++;
      continue;
    }
    const close = format.indexOf("}", index);
    if (close < 0) throw new PatternError(`unclosed '{' at position ${index + 1} of "${format}"`);
    const field = format.slice(index + 1, close);
    source += `(${fieldRegExp(field, customTypes, cardinality)})`;
    index = close + 1;
  }
  return new RegExp(`^(?:${source})$`, "i");
}

function fieldRegExp(
  field: string,
  customTypes: ReadonlyMap<string, string | null>,
  cardinality: boolean,
): string {
  const colon = field.indexOf(":");
  const name = colon < 0 ? field : field.slice(0, colon);
  if (name !== "" && !/^[A-Za-z_][\w.[\]]*$/.test(name) && !/^\d+$/.test(name)) {
    throw new PatternError(`invalid field name "${name}"`);
  }
  if (colon < 0) return ANY;
  let spec = field.slice(colon + 1);
  let many: "" | "+" | "*" | "?" = "";
  if (cardinality && /[+*?]$/.test(spec)) {
    many = spec.slice(-1) as "+" | "*" | "?";
    spec = spec.slice(0, -1);
  }
  const type = typeRegExp(spec, customTypes);
  if (many === "") return type;
  if (many === "?") return `(?:${type})?`;
  const list = `(?:${type})(?:\\s*,\\s*(?:${type}))*`;
  return many === "+" ? list : `(?:${list})?`;
}

function typeRegExp(spec: string, customTypes: ReadonlyMap<string, string | null>): string {
  if (customTypes.has(spec)) return customTypes.get(spec) ?? ANY;
  // A format spec: [[fill]align][sign][#][0][width][,][.precision][type]
  const match = /^(?:.?[<>=^])?[-+ ]?#?0?\d*,?(?:\.\d+)?([A-Za-z%]*)$/.exec(spec);
  const type = match?.[1] ?? spec;
  if (type === "") return ANY;
  const known = PARSE_TYPES[type];
  if (known) return known;
  if (DATE_TYPES.has(type)) return ANY;
  // A converter registered in a module we could not read: parse's default pattern for converters.
  return ANY;
}

/** Python `re` syntax to JavaScript; null when the pattern uses something JavaScript cannot express. */
export function pythonRegExpToJs(source: string, anchoring: "full" | "start"): RegExp | null {
  let flags = "";
  let body = source;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(body);
  if (inline) {
    const letters = inline[1] ?? "";
    if (letters.includes("x") || letters.includes("L")) return null;
    if (letters.includes("i")) flags += "i";
    if (letters.includes("m")) flags += "m";
    if (letters.includes("s")) flags += "s";
    body = body.slice(inline[0].length);
  }
  body = body
    .replace(/\(\?P<([A-Za-z_]\w*)>/g, "(?<$1>")
    .replace(/\(\?P=([A-Za-z_]\w*)\)/g, "\\k<$1>")
    .replace(/\(\?#[^)]*\)/g, "")
    .replace(/\\A/g, "^")
    .replace(/\\Z/g, "$");
  if (anchoring === "full") body = `^(?:${body.replace(/^\^/, "").replace(/(?<!\\)\$$/, "")})$`;
  else if (!body.startsWith("^")) body = `^(?:${body})`;
  try {
    return new RegExp(body, flags);
  } catch {
    return null;
  }
}
