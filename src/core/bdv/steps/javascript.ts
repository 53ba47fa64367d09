import { parseSync } from "oxc-parser";
import { LineIndex } from "../source.ts";
import type {
  DefinitionKeyword,
  RawParameterType,
  RawStepDefinition,
  ReaderProblem,
  StepFileResult,
  StepPattern,
} from "./model.ts";

/**
 * Reads cucumber-js step definitions from JavaScript/TypeScript source without running it:
 * `Given/When/Then/defineStep(pattern, fn)` and `defineParameterType({ name, regexp })`, however
 * they were imported (`import { Given as G }`, `import * as cucumber`, `require`, wrapper
 * modules such as playwright-bdd's `createBdd()` or a local `./steps` re-export).
 */

const CUCUMBER_MODULES = new Set([
  "@cucumber/cucumber",
  "@cucumber/fake-cucumber",
  "cucumber",
  "@badeball/cypress-cucumber-preprocessor",
  "cypress-cucumber-preprocessor/steps",
  "@wdio/cucumber-framework",
  "playwright-bdd",
]);

const STEP_FUNCTIONS: Record<string, DefinitionKeyword> = {
  Given: "given",
  When: "when",
  Then: "then",
  And: "step",
  But: "step",
  Step: "step",
  defineStep: "step",
};

const PARAMETER_TYPE_FUNCTIONS = new Set(["defineParameterType", "ParameterType"]);

interface AstNode {
  readonly type: string;
  readonly start: number;
  readonly end: number;
  readonly [key: string]: unknown;
}

function isNode(value: unknown): value is AstNode {
  return (
    typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string"
  );
}

function child(node: AstNode, key: string): AstNode | null {
  const value = node[key];
  return isNode(value) ? value : null;
}

function children(node: AstNode, key: string): AstNode[] {
  const value = node[key];
  return Array.isArray(value) ? value.filter(isNode) : [];
}

function walk(node: AstNode, visit: (node: AstNode) => void): void {
  visit(node);
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) walk(item, visit);
    } else if (isNode(value)) {
      walk(value, visit);
    }
  }
}

function identifierName(node: AstNode | null): string | null {
  return node && node.type === "Identifier" && typeof node.name === "string" ? node.name : null;
}

function propertyKeyName(node: AstNode | null): string | null {
  if (!node) return null;
  if (node.type === "Identifier" && typeof node.name === "string") return node.name;
  if (node.type === "Literal" && typeof node.value === "string") return node.value;
  return null;
}

function stringLiteral(node: AstNode | null): string | null {
  if (!node) return null;
  if (node.type === "Literal" && typeof node.value === "string") return node.value;
  if (node.type === "TemplateLiteral" && children(node, "expressions").length === 0) {
    const quasi = children(node, "quasis")[0];
    const cooked = (quasi?.value as { cooked?: unknown } | undefined)?.cooked;
    return typeof cooked === "string" ? cooked : null;
  }
  if (node.type === "ParenthesizedExpression") return stringLiteral(child(node, "expression"));
  return null;
}

function regexLiteral(node: AstNode | null): { source: string; flags: string } | null {
  if (!node) return null;
  if (node.type === "Literal") {
    const info = node.regex as { pattern?: unknown; flags?: unknown } | null | undefined;
    if (info && typeof info.pattern === "string" && typeof info.flags === "string") {
      return { source: info.pattern, flags: info.flags };
    }
  }
  if (
    (node.type === "NewExpression" || node.type === "CallExpression") &&
    identifierName(child(node, "callee")) === "RegExp"
  ) {
    const args = children(node, "arguments");
    const source = stringLiteral(args[0] ?? null);
    const flags = args[1] ? stringLiteral(args[1]) : "";
    if (source !== null && flags !== null) return { source, flags };
  }
  if (node.type === "ParenthesizedExpression") return regexLiteral(child(node, "expression"));
  return null;
}

function languageOf(path: string): "js" | "jsx" | "ts" | "tsx" {
  if (path.endsWith(".tsx")) return "tsx";
  if (/\.[cm]?ts$/.test(path)) return "ts";
  if (path.endsWith(".jsx")) return "jsx";
  return "js";
}

function isRelativeModule(specifier: string): boolean {
  return specifier.startsWith("./") || specifier.startsWith("../");
}

/** Local names that refer to step functions, parameter-type functions and Cucumber namespaces. */
interface Bindings {
  readonly steps: Map<string, DefinitionKeyword>;
  readonly parameterTypes: Set<string>;
  readonly namespaces: Set<string>;
  /** Names declared locally for something else: bare calls to them are not step definitions. */
  readonly shadowed: Set<string>;
}

function bindImported(bindings: Bindings, imported: string, local: string, trusted: boolean): void {
  const keyword = STEP_FUNCTIONS[imported];
  if (keyword && (trusted || imported !== "And")) bindings.steps.set(local, keyword);
  else if (PARAMETER_TYPE_FUNCTIONS.has(imported) && trusted) bindings.parameterTypes.add(local);
  else bindings.shadowed.add(local);
}

function collectBindings(program: AstNode): Bindings {
  const bindings: Bindings = {
    steps: new Map(),
    parameterTypes: new Set(),
    namespaces: new Set(),
    shadowed: new Set(),
  };
  walk(program, (node) => {
    if (node.type === "ImportDeclaration") {
      const specifier = stringLiteral(child(node, "source")) ?? "";
      const trusted = CUCUMBER_MODULES.has(specifier);
      const wrapper = isRelativeModule(specifier);
      for (const item of children(node, "specifiers")) {
        const local = identifierName(child(item, "local"));
        if (!local) continue;
        if (item.type === "ImportSpecifier") {
          const imported = propertyKeyName(child(item, "imported")) ?? local;
          if (trusted || wrapper) bindImported(bindings, imported, local, trusted);
          else bindings.shadowed.add(local);
        } else if (trusted) {
          bindings.namespaces.add(local);
        } else {
          bindings.shadowed.add(local);
        }
      }
    } else if (node.type === "VariableDeclarator") {
      bindDeclarator(bindings, node);
    } else if (node.type === "FunctionDeclaration") {
      const name = identifierName(child(node, "id"));
      if (name) bindings.shadowed.add(name);
    }
  });
  return bindings;
}

/** `const { Given } = require("@cucumber/cucumber")`, `const cucumber = require(...)`, `const { Given } = createBdd()`. */
function bindDeclarator(bindings: Bindings, node: AstNode): void {
  const id = child(node, "id");
  const init = child(node, "init");
  if (!id) return;
  const source = init ? cucumberSource(init) : null;
  if (id.type === "Identifier") {
    const name = identifierName(id);
    if (!name) return;
    if (source === "module") bindings.namespaces.add(name);
    else bindings.shadowed.add(name);
    return;
  }
  if (id.type !== "ObjectPattern") return;
  for (const property of children(id, "properties")) {
    const key = propertyKeyName(child(property, "key"));
    const value = child(property, "value");
    const local = identifierName(value) ?? identifierName(value ? child(value, "left") : null);
    if (!key || !local) continue;
    if (source) bindImported(bindings, key, local, true);
    else bindings.shadowed.add(local);
  }
}

/** "module" for `require("<cucumber module>")`, "bdd" for `createBdd(...)`, else null. */
function cucumberSource(init: AstNode): "module" | "bdd" | null {
  let node: AstNode | null = init;
  while (
    node &&
    (node.type === "AwaitExpression" ||
      node.type === "ParenthesizedExpression" ||
      node.type === "TSAsExpression")
  ) {
    node = child(node, node.type === "AwaitExpression" ? "argument" : "expression");
  }
  if (node?.type !== "CallExpression") return null;
  const callee = identifierName(child(node, "callee"));
  if (callee === "require") {
    const specifier = stringLiteral(children(node, "arguments")[0] ?? null);
    return specifier && CUCUMBER_MODULES.has(specifier) ? "module" : null;
  }
  return callee === "createBdd" ? "bdd" : null;
}

type CalleeKind =
  | { readonly kind: "step"; readonly keyword: DefinitionKeyword }
  | { readonly kind: "parameter-type" };

function classifyCallee(callee: AstNode | null, bindings: Bindings): CalleeKind | null {
  if (!callee) return null;
  const name = identifierName(callee);
  if (name) {
    const keyword = bindings.steps.get(name);
    if (keyword) return { kind: "step", keyword };
    if (bindings.parameterTypes.has(name)) return { kind: "parameter-type" };
    if (bindings.shadowed.has(name)) return null;
    // A global (old cucumber-js `this`-less style, Cypress preprocessor globals).
    const global = STEP_FUNCTIONS[name];
    if (global && name !== "And" && name !== "But") return { kind: "step", keyword: global };
    if (name === "defineParameterType") return { kind: "parameter-type" };
    return null;
  }
  if (callee.type === "MemberExpression" && !callee.computed) {
    const object = child(callee, "object");
    const member = identifierName(child(callee, "property"));
    const fromCucumber =
      object?.type === "ThisExpression" ||
      (identifierName(object) !== null && bindings.namespaces.has(identifierName(object) ?? ""));
    if (!member || !fromCucumber) return null;
    const keyword = STEP_FUNCTIONS[member];
    if (keyword) return { kind: "step", keyword };
    if (PARAMETER_TYPE_FUNCTIONS.has(member)) return { kind: "parameter-type" };
  }
  return null;
}

function patternOf(argument: AstNode | null, text: string): StepPattern {
  const string = stringLiteral(argument);
  if (string !== null) return { kind: "cucumber-expression", source: string };
  const regex = regexLiteral(argument);
  if (regex) return { kind: "regexp", source: regex.source, flags: regex.flags };
  const source = argument ? text.slice(argument.start, argument.end) : "";
  return { kind: "unresolved", source, reason: "the pattern is not a literal string or regular expression" };
}

function readParameterType(node: AstNode, file: string, lines: LineIndex): RawParameterType | null {
  const options = children(node, "arguments")[0];
  if (options?.type !== "ObjectExpression") return null;
  let name: string | null = null;
  let regexps: string[] | null = null;
  let useForSnippets = true;
  let preferForRegexpMatch = false;
  for (const property of children(options, "properties")) {
    const key = propertyKeyName(child(property, "key"));
    const value = child(property, "value");
    if (key === "name") name = stringLiteral(value);
    else if (key === "regexp") regexps = literalRegexps(value);
    else if (key === "useForSnippets" && value?.type === "Literal") useForSnippets = value.value !== false;
    else if (key === "preferForRegexpMatch" && value?.type === "Literal")
      preferForRegexpMatch = value.value === true;
  }
  if (name === null) return null;
  const position = lines.position(node.start);
  return {
    file,
    line: position.line,
    column: position.column,
    name,
    regexps,
    useForSnippets,
    preferForRegexpMatch,
  };
}

function literalRegexps(value: AstNode | null): string[] | null {
  if (!value) return null;
  if (value.type === "ArrayExpression") {
    const sources: string[] = [];
    for (const element of children(value, "elements")) {
      const one = literalRegexps(element);
      if (!one) return null;
      sources.push(...one);
    }
    return sources;
  }
  const regex = regexLiteral(value);
  if (regex) return [regex.source];
  const string = stringLiteral(value);
  return string === null ? null : [string];
}

export function readJavaScriptSteps(file: string, text: string): StepFileResult {
  const lines = new LineIndex(text);
  const result = parseSync(file, text, { lang: languageOf(file), sourceType: "unambiguous" });
  const problems: ReaderProblem[] = result.errors.map((error) => {
    const offset = error.labels[0]?.start ?? 0;
    const position = lines.position(offset);
    return { file, line: position.line, column: position.column, message: error.message };
  });
  const program = result.program as unknown as AstNode;
  const bindings = collectBindings(program);
  const definitions: RawStepDefinition[] = [];
  const parameterTypes: RawParameterType[] = [];
  let arrows = 0;
  walk(program, (node) => {
    if (node.type !== "CallExpression") return;
    const kind = classifyCallee(child(node, "callee"), bindings);
    if (!kind) return;
    if (kind.kind === "parameter-type") {
      const parameterType = readParameterType(node, file, lines);
      if (parameterType) parameterTypes.push(parameterType);
      return;
    }
    const args = children(node, "arguments");
    if (args.length < 2) return;
    const handler = args[args.length - 1];
    if (handler?.type === "ArrowFunctionExpression") arrows++;
    const position = lines.position(node.start);
    definitions.push({
      file,
      line: position.line,
      column: position.column,
      framework: "cucumber-js",
      keyword: kind.keyword,
      pattern: patternOf(args[0] ?? null, text),
    });
  });
  return {
    definitions,
    parameterTypes,
    parseTypes: [],
    problems,
    usesArrowFunctions: definitions.length > 0 && arrows * 2 > definitions.length,
  };
}
