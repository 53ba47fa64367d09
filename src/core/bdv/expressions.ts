import { CucumberExpression, ParameterType, ParameterTypeRegistry } from "@cucumber/cucumber-expressions";
import { compileSafeRegex, RegexError } from "../regex/index.ts";
import { PatternError, parseFormatToPythonRegex, UnknownTypeError } from "./python-patterns.ts";
import { literalPrefix } from "./regex-prefix.ts";
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
  /**
   * For snippets: the built-in parameter types only. The snippet generator runs parameter-type
   * regexps with JavaScript's backtracking engine, and custom ones come from analysed code.
   */
  readonly snippetRegistry: ParameterTypeRegistry;
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

type Outcome =
  | { readonly status: "ok"; readonly test: (text: string) => boolean; readonly prefix: string }
  | { readonly status: "invalid" | "unresolved"; readonly problem: string };

/**
 * A pattern from analysed code, compiled for the linear-time engine (src/core/regex): no step
 * text can make matching slow. What the engine cannot run (lookahead, backreferences) leaves
 * the definition unresolved, with the reason; a syntax error makes it invalid.
 */
function linear(
  source: string,
  dialect: "javascript" | "python",
  flags: string,
  mode: "search" | "whole" | "start",
  prefixSource: string,
): Outcome {
  try {
    const regex = compileSafeRegex(source, { dialect, flags });
    const test =
      mode === "whole"
        ? (text: string) => regex.testWhole(text)
        : mode === "start"
          ? (text: string) => regex.matchStart(text) !== null
          : (text: string) => regex.test(text);
    return { status: "ok", test, prefix: literalPrefix(prefixSource, flags.includes("m")) };
  } catch (error) {
    if (!(error instanceof RegexError)) throw error;
    return { status: error.kind === "syntax" ? "invalid" : "unresolved", problem: error.message };
  }
}

function compileCucumberExpression(
  raw: RawStepDefinition,
  source: string,
  registry: ParameterTypeRegistry,
  unresolvedTypes: ReadonlySet<string>,
): Outcome {
  for (const reference of source.matchAll(PARAMETER_REFERENCE)) {
    if (unresolvedTypes.has(reference[1] ?? ""))
      return { status: "unresolved", problem: `parameter type {${reference[1]}} has no literal regexp` };
  }
  // behave's Cucumber Expressions have their own registry: only the built-in types are known here.
  const foreign = raw.framework !== "cucumber-js";
  let regexp: RegExp;
  try {
    regexp = new CucumberExpression(source, foreign ? BUILT_IN_TYPES : registry).regexp;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const undefinedType =
      typeof error === "object" && error !== null && "undefinedParameterTypeName" in error;
    return { status: foreign && undefinedType ? "unresolved" : "invalid", problem: message };
  }
  return linear(regexp.source, "javascript", regexp.flags, "search", regexp.source);
}

function compilePattern(
  raw: RawStepDefinition,
  registry: ParameterTypeRegistry,
  unresolvedTypes: ReadonlySet<string>,
): Outcome {
  const pattern = raw.pattern;
  switch (pattern.kind) {
    case "unresolved":
      return { status: "unresolved", problem: pattern.reason };
    case "exact":
      return { status: "ok", test: (text) => text === pattern.source, prefix: pattern.source.toLowerCase() };
    case "cucumber-expression":
      return compileCucumberExpression(raw, pattern.source, registry, unresolvedTypes);
    case "regexp": {
      const flags = pattern.flags.replace(/[gyd]/g, "");
      return linear(pattern.source, "javascript", flags, "search", pattern.source);
    }
    case "python-regexp": {
      const body = pattern.source.replace(/^\^/, "");
      const mode = pattern.anchoring === "full" ? "whole" : "start";
      return linear(pattern.source, "python", "", mode, `^${body}`);
    }
    case "parse": {
      let source: string;
      try {
        source = parseFormatToPythonRegex(pattern.source, pattern.types, pattern.cardinality);
      } catch (error) {
        if (error instanceof UnknownTypeError) return { status: "unresolved", problem: error.message };
        if (error instanceof PatternError) return { status: "invalid", problem: error.message };
        throw error;
      }
      // parse matches the whole text with DOTALL, ignoring case unless told otherwise (behave).
      return linear(source, "python", pattern.caseSensitive ? "s" : "is", "whole", `^${source}`);
    }
  }
}

function compileOne(
  id: number,
  raw: RawStepDefinition,
  registry: ParameterTypeRegistry,
  unresolvedTypes: ReadonlySet<string>,
): CompiledDefinition {
  const base = { id, raw, display: displayPattern(raw.pattern) };
  const outcome = compilePattern(raw, registry, unresolvedTypes);
  if (outcome.status === "ok")
    return { ...base, status: "ok", problem: null, test: outcome.test, prefix: outcome.prefix };
  return { ...base, status: outcome.status, problem: outcome.problem, test: NEVER, prefix: "" };
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
  return { definitions, registry, snippetRegistry: BUILT_IN_TYPES, parameterTypeProblems: problems };
}
