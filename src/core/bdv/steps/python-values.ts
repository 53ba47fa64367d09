import type { PythonToken } from "../../python/token-list.ts";
import type { DefinitionKeyword, RawStepDefinition } from "./model.ts";
import { readArguments } from "./python-module.ts";

/**
 * Values a static execution of step modules can know: modules, the behave / pytest-bdd / parse /
 * parse_type functions steps are written with, string, list and dict literals, and type
 * converters with their regular expression (`@parse.with_pattern`, `f.pattern = ...`,
 * parse_type's TypeBuilder). Anything else is "unknown" and stays so.
 */

export type Builtin =
  | { readonly id: "step"; readonly framework: "behave" | "pytest-bdd"; readonly keyword: DefinitionKeyword }
  | { readonly id: "parser"; readonly parser: ParserKind }
  | {
      readonly id:
        | "use_step_matcher"
        | "use_default_step_matcher"
        | "use_step_matcher_for_cucumber_expressions"
        | "register_type"
        | "with_pattern"
        | "TypeBuilder"
        | "scenarios"
        | "scenario";
    }
  | { readonly id: "TypeBuilder.method"; readonly method: string };

export type ParserKind = "parse" | "cfparse" | "re" | "string";

/** A regular expression (Python syntax) for a type; null when it cannot be known. */
export type TypePattern = string | null;

export type PyValue =
  /** `file` null: a module outside the repository (or a framework module, never executed). */
  | { readonly kind: "module"; readonly name: string; readonly file: string | null }
  | { readonly kind: "builtin"; readonly builtin: Builtin }
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "list"; readonly items: readonly PyValue[] }
  | { readonly kind: "dict"; readonly entries: ReadonlyMap<string, PyValue> }
  /** A function or converter; `pattern` is parse's regex for it (mutable: `f.pattern = ...`). */
  | { readonly kind: "converter"; pattern: TypePattern; readonly defined: boolean }
  | {
      readonly kind: "parser";
      readonly parser: ParserKind;
      readonly source: string | null;
      readonly extraTypes: ReadonlyMap<string, TypePattern>;
      readonly why: string | null;
    }
  /** A pytest fixture a pytest-bdd step decorator put in the module's namespace. */
  | { readonly kind: "fixture"; readonly definition: RawStepDefinition }
  | { readonly kind: "unknown"; readonly why: string };

export const UNKNOWN: PyValue = { kind: "unknown", why: "the value is computed" };
/** parse's pattern for a converter without a `pattern` attribute. */
export const ANY_PATTERN = ".+?";

const STEP_KEYWORDS = new Map<string, DefinitionKeyword>([
  ["given", "given"],
  ["when", "when"],
  ["then", "then"],
  ["step", "step"],
  ["Given", "given"],
  ["When", "when"],
  ["Then", "then"],
  ["Step", "step"],
]);

const BEHAVE_MATCHER_FUNCTIONS: Record<string, Builtin> = {
  use_step_matcher: { id: "use_step_matcher" },
  step_matcher: { id: "use_step_matcher" },
  use_default_step_matcher: { id: "use_default_step_matcher" },
  register_type: { id: "register_type" },
};

function behaveMember(name: string): Builtin | null {
  const keyword = STEP_KEYWORDS.get(name);
  if (keyword) return { id: "step", framework: "behave", keyword };
  return BEHAVE_MATCHER_FUNCTIONS[name] ?? null;
}

function pytestBddMember(name: string): Builtin | null {
  const keyword = STEP_KEYWORDS.get(name);
  if (keyword && name === name.toLowerCase()) return { id: "step", framework: "pytest-bdd", keyword };
  if (name === "scenarios" || name === "scenario") return { id: name };
  return null;
}

function parsersMember(name: string): Builtin | null {
  return name === "parse" || name === "cfparse" || name === "re" || name === "string"
    ? { id: "parser", parser: name }
    : null;
}

/** Members of the framework modules (never executed: their public API is known). */
const FRAMEWORK_MODULES: Record<string, (name: string) => Builtin | null> = {
  behave: behaveMember,
  "behave.step_registry": behaveMember,
  "behave.matchers": behaveMember,
  "behave.api.step_matchers": behaveMember,
  "behave.cucumber_expression": (name) =>
    name === "use_step_matcher_for_cucumber_expressions"
      ? { id: "use_step_matcher_for_cucumber_expressions" }
      : name === "TypeBuilder"
        ? { id: "TypeBuilder" }
        : null,
  pytest_bdd: pytestBddMember,
  "pytest_bdd.steps": pytestBddMember,
  "pytest_bdd.scenario": pytestBddMember,
  "pytest_bdd.parsers": parsersMember,
  parse: (name) => (name === "with_pattern" ? { id: "with_pattern" } : null),
  "behave.parameter_type": () => null,
  parse_type: (name) => (name === "TypeBuilder" ? { id: "TypeBuilder" } : null),
  "parse_type.builder": (name) => (name === "TypeBuilder" ? { id: "TypeBuilder" } : null),
  "parse_type.cardinality": (name) => (name === "TypeBuilder" ? { id: "TypeBuilder" } : null),
};

const FRAMEWORK_ROOTS = ["behave", "pytest_bdd", "parse", "parse_type"];

/** behave, pytest-bdd, parse and parse_type are known by their API, never read from a vendored copy. */
export function isFrameworkModule(name: string): boolean {
  return FRAMEWORK_ROOTS.some((root) => name === root || name.startsWith(`${root}.`));
}

/** behave/parameter_type.py: ready-made converters and their `@parse.with_pattern`. */
const BEHAVE_PARAMETER_TYPES: Record<string, string> = {
  parse_number: String.raw`\d+`,
  parse_any_text: ".*",
  parse_unquoted_text: '[^"]*',
  parse_path: '[^"]*',
  parse_path_as_text: '[^"]*',
  parse_environment_var: String.raw`\$\w+`,
};

export function frameworkMember(module: string, name: string): PyValue {
  const converter = module === "behave.parameter_type" ? BEHAVE_PARAMETER_TYPES[name] : undefined;
  if (converter !== undefined) return { kind: "converter", pattern: converter, defined: false };
  const builtin = FRAMEWORK_MODULES[module]?.(name);
  if (builtin) return { kind: "builtin", builtin };
  return { kind: "module", name: `${module}.${name}`, file: null };
}

/** Python builtins used as converters (`register_type(int=int)`): parse's default pattern. */
const PYTHON_CALLABLES = new Set(["int", "float", "str", "bool", "len", "Decimal"]);

export function pythonBuiltin(name: string): PyValue | null {
  return PYTHON_CALLABLES.has(name) ? { kind: "converter", pattern: ANY_PATTERN, defined: false } : null;
}

/** parse's regex for a converter value; null when unknown. */
export function converterPattern(value: PyValue): TypePattern {
  if (value.kind === "converter") return value.pattern;
  return null;
}

// -------------------------------------------------------------------------------------------------
// Expressions
// -------------------------------------------------------------------------------------------------

export interface Scope {
  /** The value a bare name has at this point of the module, or null when it is not bound. */
  lookup(name: string): PyValue | null;
  /** Attribute of a module value (executes repository modules as Python would import them). */
  attribute(module: PyValue & { kind: "module" }, name: string): PyValue;
}

function isOp(token: PythonToken | undefined, raw: string): boolean {
  return token?.type === "op" && token.raw === raw;
}

const CLOSERS: Record<string, string> = { "(": ")", "[": "]", "{": "}" };

/** Index of the token closing the bracket at `open`. */
function closing(tokens: readonly PythonToken[], open: number): number {
  let depth = 0;
  for (let index = open; index < tokens.length; index++) {
    const token = tokens[index] as PythonToken;
    if (token.type !== "op") continue;
    if (CLOSERS[token.raw]) depth++;
    else if (token.raw === ")" || token.raw === "]" || token.raw === "}") {
      depth--;
      if (depth === 0) return index;
    }
  }
  return -1;
}

/** Splits [start, end) at top-level commas. */
function splitTopLevel(tokens: readonly PythonToken[], start: number, end: number): PythonToken[][] {
  const parts: PythonToken[][] = [];
  let current: PythonToken[] = [];
  let depth = 0;
  for (let index = start; index < end; index++) {
    const token = tokens[index] as PythonToken;
    if (token.type === "op" && CLOSERS[token.raw]) depth++;
    if (token.type === "op" && (token.raw === ")" || token.raw === "]" || token.raw === "}")) depth--;
    if (depth === 0 && isOp(token, ",")) {
      parts.push(current);
      current = [];
      continue;
    }
    current.push(token);
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

const MAX_EXPRESSION_DEPTH = 32;

export function evaluate(tokens: readonly PythonToken[], scope: Scope, depth = 0): PyValue {
  if (tokens.length === 0 || depth > MAX_EXPRESSION_DEPTH) return UNKNOWN;
  // A lambda has no `pattern` attribute: as a converter, parse gives it its default pattern.
  if (tokens[0]?.type === "name" && tokens[0].raw === "lambda")
    return { kind: "converter", pattern: ANY_PATTERN, defined: true };
  const primary = evaluatePrimary(tokens, scope, depth);
  if (!primary) return UNKNOWN;
  let { value, next } = primary;
  while (next < tokens.length) {
    const token = tokens[next] as PythonToken;
    if (isOp(token, ".") && tokens[next + 1]?.type === "name") {
      value = attributeOf(value, tokens[next + 1]?.raw ?? "", scope);
      next += 2;
    } else if (isOp(token, "(")) {
      const read = readArguments(tokens, next);
      if (!read) return UNKNOWN;
      value = call(value, read.args, scope, depth);
      next = read.close + 1;
    } else {
      return UNKNOWN;
    }
  }
  return value;
}

function evaluatePrimary(
  tokens: readonly PythonToken[],
  scope: Scope,
  depth: number,
): { value: PyValue; next: number } | null {
  const first = tokens[0] as PythonToken;
  if (first.type === "string") {
    let value = "";
    let next = 0;
    while (tokens[next]?.type === "string") {
      const token = tokens[next] as PythonToken;
      if (token.value === null)
        return {
          value: { kind: "unknown", why: token.unknownBecause ?? "an f-string" },
          next: tokens.length,
        };
      value += token.value;
      next++;
    }
    return { value: { kind: "string", value }, next };
  }
  if (first.type === "name") {
    const bound = scope.lookup(first.raw) ?? pythonBuiltin(first.raw);
    return { value: bound ?? { kind: "unknown", why: `${first.raw} is not defined statically` }, next: 1 };
  }
  if (first.type === "op" && (first.raw === "[" || first.raw === "(" || first.raw === "{")) {
    const close = closing(tokens, 0);
    if (close < 0) return null;
    const parts = splitTopLevel(tokens, 1, close);
    if (first.raw === "{") return { value: dictionary(parts, scope, depth), next: close + 1 };
    if (first.raw === "(" && parts.length === 1 && !isOp(tokens[close - 1], ","))
      return { value: evaluate(parts[0] ?? [], scope, depth + 1), next: close + 1 };
    return {
      value: { kind: "list", items: parts.map((part) => evaluate(part, scope, depth + 1)) },
      next: close + 1,
    };
  }
  return null;
}

function dictionary(parts: readonly PythonToken[][], scope: Scope, depth: number): PyValue {
  const entries = new Map<string, PyValue>();
  for (const part of parts) {
    const colon = part.findIndex((token) => isOp(token, ":"));
    if (colon < 0) return UNKNOWN;
    const key = evaluate(part.slice(0, colon), scope, depth + 1);
    if (key.kind !== "string") return UNKNOWN;
    entries.set(key.value, evaluate(part.slice(colon + 1), scope, depth + 1));
  }
  return { kind: "dict", entries };
}

function attributeOf(value: PyValue, name: string, scope: Scope): PyValue {
  if (value.kind === "module") return scope.attribute(value, name);
  if (value.kind === "builtin" && value.builtin.id === "TypeBuilder")
    return { kind: "builtin", builtin: { id: "TypeBuilder.method", method: name } };
  return { kind: "unknown", why: `attribute ${name} is computed` };
}

interface Arguments {
  readonly positional: readonly PyValue[];
  readonly named: ReadonlyMap<string, PyValue>;
}

function argumentsOf(
  args: readonly { keyword: string | null; tokens: readonly PythonToken[] }[],
  scope: Scope,
  depth: number,
): Arguments {
  const positional: PyValue[] = [];
  const named = new Map<string, PyValue>();
  for (const arg of args) {
    const value = evaluate(arg.tokens, scope, depth + 1);
    if (arg.keyword === null) positional.push(value);
    else named.set(arg.keyword, value);
  }
  return { positional, named };
}

function call(
  callee: PyValue,
  rawArgs: readonly { keyword: string | null; tokens: readonly PythonToken[] }[],
  scope: Scope,
  depth: number,
): PyValue {
  if (callee.kind !== "builtin") return UNKNOWN;
  const args = argumentsOf(rawArgs, scope, depth);
  const builtin = callee.builtin;
  if (builtin.id === "parser") return parserValue(builtin.parser, args);
  if (builtin.id === "TypeBuilder.method") return typeBuilder(builtin.method, args);
  return UNKNOWN;
}

function extraTypes(value: PyValue | undefined): ReadonlyMap<string, TypePattern> | null {
  if (!value) return new Map();
  if (value.kind !== "dict") return null;
  return new Map([...value.entries].map(([name, converter]) => [name, converterPattern(converter)]));
}

function parserValue(parser: ParserKind, args: Arguments): PyValue {
  const name = args.positional[0] ?? args.named.get("name");
  const types = extraTypes(args.named.get("extra_types"));
  if (name?.kind !== "string")
    return {
      kind: "parser",
      parser,
      source: null,
      extraTypes: new Map(),
      why: "the parser's argument is not a string literal",
    };
  if (!types)
    return {
      kind: "parser",
      parser,
      source: name.value,
      extraTypes: new Map(),
      why: "extra_types is not a literal dict",
    };
  return { kind: "parser", parser, source: name.value, extraTypes: types, why: null };
}

function escapeSeparator(separator: PyValue | undefined): string | null {
  if (separator === undefined) return ",";
  return separator.kind === "string" ? separator.value : null;
}

/** parse_type's TypeBuilder: the regex of the converter each builder returns (parse_type/builder.py, cardinality.py). */
function typeBuilder(method: string, args: Arguments): PyValue {
  const converter = (pattern: TypePattern): PyValue => ({ kind: "converter", pattern, defined: true });
  const first = args.positional[0];
  const strings = (value: PyValue | undefined): string[] | null => {
    if (value?.kind === "list" && value.items.every((item) => item.kind === "string"))
      return value.items.map((item) => (item.kind === "string" ? item.value : ""));
    if (value?.kind === "dict") return [...value.entries.keys()];
    return null;
  };
  const inner = (): TypePattern => {
    const explicit = args.positional[1] ?? args.named.get("pattern");
    if (explicit?.kind === "string") return explicit.value;
    return first ? converterPattern(first) : null;
  };
  const separator = escapeSeparator(args.positional[2] ?? args.named.get("listsep"));
  switch (method) {
    case "make_choice":
    case "make_choice2":
    case "make_enum": {
      const choices = strings(first);
      return converter(choices ? choices.join("|") : null);
    }
    case "make_variant": {
      if (first?.kind !== "list") return converter(null);
      const patterns = first.items.map(converterPattern);
      return converter(patterns.some((pattern) => pattern === null) ? null : `(${patterns.join(")|(")})`);
    }
    case "with_many":
    case "with_one_or_more": {
      const pattern = inner();
      return converter(
        pattern === null || separator === null ? null : `(${pattern})(\\s*${separator}\\s*(${pattern}))*`,
      );
    }
    case "with_many0":
    case "with_zero_or_more": {
      const pattern = inner();
      return converter(
        pattern === null || separator === null ? null : `(${pattern})?(\\s*${separator}\\s*(${pattern}))*`,
      );
    }
    case "with_optional":
    case "with_zero_or_one": {
      const pattern = inner();
      return converter(pattern === null ? null : `(${pattern})?`);
    }
    default:
      return converter(null);
  }
}

/** The value of `@parse.with_pattern(regex)` applied to a function. */
export function withPatternDecorator(
  args: readonly { keyword: string | null; tokens: readonly PythonToken[] }[],
  scope: Scope,
): TypePattern {
  const values = argumentsOf(args, scope, 0);
  const pattern = values.positional[0] ?? values.named.get("pattern");
  return pattern?.kind === "string" ? pattern.value : null;
}

export function stringList(value: PyValue): string[] | null {
  if (value.kind === "string") return [value.value];
  if (value.kind !== "list") return null;
  const strings: string[] = [];
  for (const item of value.items) {
    if (item.kind !== "string") return null;
    strings.push(item.value);
  }
  return strings;
}

export { type Arguments, argumentsOf };
