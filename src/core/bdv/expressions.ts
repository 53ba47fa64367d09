import { CucumberExpression, ParameterType, ParameterTypeRegistry } from "@cucumber/cucumber-expressions";
import { PatternError, parseFormatToRegExp, pythonRegExpToJs, UnknownTypeError } from "./python-patterns.ts";
import type { RawParameterType, RawStepDefinition, StepFileResult, StepPattern } from "./steps/model.ts";

/**
 * Compiles the statically read step definitions into matchers, the way cucumber-language-service
 * does: pass 1 registers the custom parameter types (no-op transformers), pass 2 builds every
 * expression. Problems are collected, never thrown.
 */

export type DefinitionStatus = "ok" | "invalid" | "unresolved";

export interface CompiledDefinition {
  readonly id: number;
  readonly raw: RawStepDefinition;
  /** The pattern as a reader would write it: "text {int}", /regex/, re:…, parse:…. */
  readonly display: string;
  readonly status: DefinitionStatus;
  /** Why the definition is invalid or unresolved. */
  readonly problem: string | null;
  /** Whether the definition matches a step text (ignoring keywords); false unless status is "ok". */
  readonly test: (text: string) => boolean;
  /** Lower-cased literal text every matching step starts with ("" when unknown). */
  readonly prefix: string;
}

export interface ParameterTypeProblem {
  readonly parameterType: RawParameterType;
  readonly message: string;
}

export interface CompiledSteps {
  readonly definitions: readonly CompiledDefinition[];
  readonly registry: ParameterTypeRegistry;
  readonly parameterTypeProblems: readonly ParameterTypeProblem[];
}

const NEVER = () => false;
const BUILT_IN_TYPES = new ParameterTypeRegistry();

export function displayPattern(pattern: StepPattern): string {
  switch (pattern.kind) {
    case "cucumber-expression":
    case "exact":
      return JSON.stringify(pattern.source);
    case "regexp":
      return `/${pattern.source}/${pattern.flags}`;
    case "python-regexp":
      return `re:${JSON.stringify(pattern.source)}`;
    case "parse":
      return `${pattern.cardinality ? "cfparse" : "parse"}:${JSON.stringify(pattern.source)}`;
    case "unresolved":
      return pattern.source;
  }
}

/** Literal text a regular expression requires at the start of the text, or "" when there is none. */
export function literalPrefix(regexp: RegExp): string {
  if (!regexp.source.startsWith("^") || regexp.flags.includes("m")) return "";
  let body = regexp.source.slice(1);
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

/** Index of the parenthesis closing the group opened at `open`, or -1. */
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

function regexpTester(regexp: RegExp): (text: string) => boolean {
  return (text) => regexp.test(text);
}

function buildRegistry(types: readonly RawParameterType[]): {
  registry: ParameterTypeRegistry;
  problems: ParameterTypeProblem[];
  unresolvedTypes: Set<string>;
} {
  const registry = new ParameterTypeRegistry();
  const problems: ParameterTypeProblem[] = [];
  const unresolvedTypes = new Set<string>();
  for (const type of types) {
    const regexps = type.regexps ?? [".*"];
    if (type.regexps === null) unresolvedTypes.add(type.name);
    try {
      const compiled = regexps.map((source) => new RegExp(source));
      registry.defineParameterType(
        new ParameterType(
          type.name,
          compiled,
          null,
          (...groups: string[]) => groups[0],
          type.useForSnippets,
          type.preferForRegexpMatch,
        ),
      );
    } catch (error) {
      problems.push({ parameterType: type, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return { registry, problems, unresolvedTypes };
}

const PARAMETER_REFERENCE = /(?<!\\)\{([^{}]*)\}/g;

function compileOne(
  id: number,
  raw: RawStepDefinition,
  registry: ParameterTypeRegistry,
  unresolvedTypes: ReadonlySet<string>,
): CompiledDefinition {
  const pattern = raw.pattern;
  const base = { id, raw, display: displayPattern(pattern) };
  const invalid = (problem: string): CompiledDefinition => ({
    ...base,
    status: "invalid",
    problem,
    test: NEVER,
    prefix: "",
  });
  const ok = (regexp: RegExp): CompiledDefinition => ({
    ...base,
    status: "ok",
    problem: null,
    test: regexpTester(regexp),
    prefix: literalPrefix(regexp),
  });
  switch (pattern.kind) {
    case "unresolved":
      return { ...base, status: "unresolved", problem: pattern.reason, test: NEVER, prefix: "" };
    case "exact":
      return {
        ...base,
        status: "ok",
        problem: null,
        test: (text) => text === pattern.source,
        prefix: pattern.source.toLowerCase(),
      };
    case "cucumber-expression": {
      for (const reference of pattern.source.matchAll(PARAMETER_REFERENCE)) {
        if (unresolvedTypes.has(reference[1] ?? "")) {
          return {
            ...base,
            status: "unresolved",
            problem: `parameter type {${reference[1]}} has no literal regexp`,
            test: NEVER,
            prefix: "",
          };
        }
      }
      // behave's Cucumber Expressions have their own registry: only the built-in types are known here.
      const foreign = raw.framework !== "cucumber-js";
      try {
        return ok(new CucumberExpression(pattern.source, foreign ? BUILT_IN_TYPES : registry).regexp);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (foreign && typeof error === "object" && error !== null && "undefinedParameterTypeName" in error)
          return { ...base, status: "unresolved", problem: message, test: NEVER, prefix: "" };
        return invalid(message);
      }
    }
    case "regexp":
      try {
        return ok(new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, "")));
      } catch (error) {
        return invalid(error instanceof Error ? error.message : String(error));
      }
    case "python-regexp": {
      const regexp = pythonRegExpToJs(pattern.source, pattern.anchoring);
      if (regexp) return ok(regexp);
      return {
        ...base,
        status: "unresolved",
        problem: "the Python regular expression uses syntax JavaScript cannot evaluate",
        test: NEVER,
        prefix: "",
      };
    }
    case "parse":
      try {
        return ok(
          parseFormatToRegExp(pattern.source, pattern.types, pattern.cardinality, pattern.caseSensitive),
        );
      } catch (error) {
        if (error instanceof UnknownTypeError)
          return { ...base, status: "unresolved", problem: error.message, test: NEVER, prefix: "" };
        if (error instanceof PatternError || error instanceof SyntaxError) return invalid(error.message);
        throw error;
      }
  }
}

/** Everything read from step files, before compilation. */
export interface StepSources {
  readonly definitions: readonly RawStepDefinition[];
  readonly parameterTypes: readonly RawParameterType[];
}

/** Several files' results as one set of sources. */
export function sourcesOf(files: readonly StepFileResult[]): StepSources {
  return {
    definitions: files.flatMap((file) => file.definitions),
    parameterTypes: files.flatMap((file) => file.parameterTypes),
  };
}

export function compileDefinitions(sources: StepSources): CompiledSteps {
  const { registry, problems, unresolvedTypes } = buildRegistry(sources.parameterTypes);
  const definitions = sources.definitions.map((raw, id) => compileOne(id, raw, registry, unresolvedTypes));
  return { definitions, registry, parameterTypeProblems: problems };
}
