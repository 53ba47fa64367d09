/**
 * The Python regular expression a `parse` / `cfparse` format string compiles to (behave's parse
 * and cfparse matchers, pytest-bdd `parsers.parse` / `cfparse`), built the way the parse library
 * builds it (parse.py `_handle_field`). parse matches the whole text with DOTALL; behave's
 * matchers are case-sensitive, parse's own default (pytest-bdd) is not — see expressions.ts.
 */

/** A type's regex (Python syntax), or null when the converter's pattern cannot be known. */
export type TypePatterns = ReadonlyMap<string, string | null>;

export class PatternError extends Error {}

/** A field uses a type whose pattern cannot be read statically. */
export class UnknownTypeError extends Error {}

const ANY = ".+?";
const ALLOWED_TYPES = new Set([..."nbox%fFegwWdDsSl", "ti", "te", "ta", "th", "tg", "tc", "ts", "tt"]);
const NUMERIC = new Set([..."n%fegdobx"]);

/** parse.py's regexes per format type (without the `[-+ ]?` sign prefix numeric types get). */
function builtinType(type: string, width: string, grouping: string): string {
  switch (type) {
    case "n":
      return String.raw`\d{1,3}([,.]\d{3})*`;
    case "b":
      return "(0[bB])?[01]+";
    case "o":
      return "(0[oO])?[0-7]+";
    case "x":
      return "(0[xX])?[0-9a-fA-F]+";
    case "%":
      return String.raw`\d+(\.\d+)?%`;
    case "f":
    case "F":
      return String.raw`\d*\.\d+`;
    case "e":
      return String.raw`\d*\.\d+[eE][-+]?\d+|nan|NAN|[-+]?inf|[-+]?INF`;
    case "g":
      return String.raw`\d+(\.\d+)?([eE][-+]?\d+)?|nan|NAN|[-+]?inf|[-+]?INF`;
    case "d": {
      const w = width ? `{1,${Number(width)}}` : "+";
      const g = grouping;
      return `[-+ ]?[0-9${g}]${w}|[-+ ]?0[xX][0-9a-fA-F${g}]${w}|[-+ ]?0[bB][01${g}]${w}|[-+ ]?0[oO][0-7${g}]${w}`;
    }
    case "l":
      return "[A-Za-z]+";
    default:
      // Dates and times: their exact patterns matter little for step matching.
      if (type.startsWith("t") && type.length === 2) return ANY;
      return `\\${type}+`;
  }
}

interface FormatSpec {
  readonly fill: string;
  readonly align: string;
  readonly width: string;
  readonly grouping: string;
  readonly precision: string | null;
  readonly type: string;
}

/** parse.py extract_format: [[fill]align][sign][0][width][grouping][.precision][type]. */
function extractFormat(spec: string): FormatSpec {
  let format = spec;
  let fill = "";
  let align = "";
  if ("<>=^".includes(format[0] ?? "x") && format.length > 0) {
    align = format[0] ?? "";
    format = format.slice(1);
  } else if (format.length > 1 && "<>=^".includes(format[1] ?? "x")) {
    fill = format[0] ?? "";
    align = format[1] ?? "";
    format = format.slice(2);
  }
  if (/^[-+ ]/.test(format)) format = format.slice(1);
  if (format.startsWith("0")) format = format.slice(1);
  const width = /^\d*/.exec(format)?.[0] ?? "";
  format = format.slice(width.length);
  let grouping = "";
  if (format.startsWith(",") || format.startsWith("_")) {
    grouping = format[0] ?? "";
    format = format.slice(1);
  }
  let precision: string | null = null;
  if (format.startsWith(".")) {
    precision = /^\.(\d*)/.exec(format)?.[1] ?? "";
    format = format.slice(1 + precision.length);
  }
  return { fill, align, width, grouping, precision, type: format };
}

function fieldPattern(spec: string, types: TypePatterns, cardinality: boolean): string {
  let typeSpec = spec;
  let many: "" | "+" | "*" | "?" = "";
  // cfparse: {name:Type+} (1..N), {name:Type*} (0..N), {name:Type?} (0..1) of a registered Type.
  if (cardinality && /[+*?]$/.test(spec) && types.has(spec.slice(0, -1))) {
    many = spec.slice(-1) as "+" | "*" | "?";
    typeSpec = spec.slice(0, -1);
  }
  if (types.has(typeSpec)) {
    const pattern = types.get(typeSpec);
    if (pattern === null || pattern === undefined)
      throw new UnknownTypeError(`the pattern of type ${typeSpec} cannot be read statically`);
    if (many === "?") return `(${pattern})?`;
    if (many === "+") return `(${pattern})(\\s*,\\s*(${pattern}))*`;
    if (many === "*") return `(${pattern})?(\\s*,\\s*(${pattern}))*`;
    return pattern;
  }
  const format = extractFormat(spec);
  const { type } = format;
  if (type !== "" && !ALLOWED_TYPES.has(type)) {
    // parse raises "format spec not recognised"; the converter may be registered in a way we cannot read.
    throw new UnknownTypeError(`type ${type} is not registered where it can be read statically`);
  }
  let pattern: string;
  if (type !== "") pattern = builtinType(type, format.width, format.grouping);
  else if (format.precision !== null)
    pattern = format.width ? `.{${format.width},${format.precision}}?` : `.{1,${format.precision}}?`;
  else if (format.width) pattern = `.{${format.width},}?`;
  else pattern = ANY;
  if (NUMERIC.has(type)) {
    if (format.align === "=") pattern = `${format.fill || "0"}*${pattern}`;
    pattern = `[-+ ]?${pattern}`;
  }
  return pattern;
}

/** Fill and alignment padding around the field's group (parse.py, end of _handle_field). */
function withPadding(group: string, spec: string): string {
  const format = extractFormat(spec);
  let align = format.align;
  if (format.width && !align) align = ">";
  let fill = format.fill || " ";
  if (".\\+?*[](){}^$".includes(fill)) fill = `\\${fill}`;
  if (align === "<") return `${group}${fill}*`;
  if (align === ">") return `${fill}*${group}`;
  if (align === "^") return `${fill}*${group}${fill}*`;
  return group;
}

const PARSE_FIELD = /({{|}}|{[\w-]*(?:\.[\w-]+|\[[^\]]+\])*(?::[^}]+)?})/;
const REGEX_SAFETY = /([?\\.[\]()*+^$!|])/g;

/** The Python regex parse builds for a format string (fields as groups, repeated names as backreferences). */
export function parseFormatToPythonRegex(format: string, types: TypePatterns, cardinality: boolean): string {
  const groups = new Map<string, string>();
  let expression = "";
  for (const part of format.split(PARSE_FIELD)) {
    if (part === "{{") expression += "\\{";
    else if (part === "}}") expression += "\\}";
    else if (PARSE_FIELD.test(part) && part.startsWith("{") && part.endsWith("}")) {
      const field = part.slice(1, -1);
      const colon = field.indexOf(":");
      const name = colon < 0 ? field : field.slice(0, colon);
      const spec = colon < 0 ? "" : field.slice(colon + 1);
      const named = /^\p{L}/u.test(name);
      if (named && groups.has(name)) {
        expression += `(?P=${groups.get(name)})`;
        continue;
      }
      let group = "(";
      if (named) {
        const groupName = `f${groups.size}_${name.replace(/\W/g, "_")}`;
        groups.set(name, groupName);
        group = `(?P<${groupName}>`;
      }
      expression += withPadding(`${group}${spec ? fieldPattern(spec, types, cardinality) : ANY})`, spec);
    } else {
      expression += part.replace(REGEX_SAFETY, "\\$1");
    }
  }
  return expression;
}
