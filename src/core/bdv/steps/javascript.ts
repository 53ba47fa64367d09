import { parseSync } from "oxc-parser";
import { DEFAULT_MAX_NESTING_DEPTH, javaScriptNestingExcess, nestingMessage } from "../../guards/nesting.ts";
import { LineIndex } from "../source.ts";
import {
  type AstNode,
  child,
  children,
  identifierName,
  memberPath,
  propertyKeyName,
  regexLiteral,
  stringLiteral,
  walk,
} from "./ast.ts";
import type { RawParameterType, ReaderProblem, StepPattern } from "./model.ts";

/**
 * Reads one JavaScript/TypeScript module without running it: where each local name comes from
 * (imports, `require`, `createBdd()`, members of a namespace), what the module exports, and
 * every call or decorator that could register a step definition or a parameter type. Whether a
 * call really is `Given(...)` is decided later (steps/javascript-project.ts), when names
 * imported from the project's own modules have been followed to their origin.
 */

export type BindingOrigin =
  /** `import { imported as local } from "specifier"`, `require`; imported "*" is the namespace. */
  | { readonly kind: "import"; readonly specifier: string; readonly imported: string }
  /** `const local = object.member`, `const { member: local } = object`. */
  | { readonly kind: "member"; readonly object: string; readonly member: string }
  /** `const { Given } = createBdd(test)` (playwright-bdd). */
  | { readonly kind: "create-bdd"; readonly member: string }
  /** Declared here for something else: calls to it are not step definitions. */
  | { readonly kind: "local" };

export type ExportEntry =
  | { readonly kind: "local"; readonly local: string }
  | { readonly kind: "reexport"; readonly specifier: string; readonly imported: string };

export type Callee =
  | { readonly kind: "name"; readonly name: string }
  | { readonly kind: "member"; readonly object: string; readonly member: string }
  | { readonly kind: "this"; readonly member: string };

/** A call that may be a step definition (pattern + handler) or a parameter type definition. */
export interface CandidateCall {
  readonly callee: Callee;
  readonly line: number;
  readonly column: number;
  /** Set when the call has a pattern and a handler. */
  readonly pattern: StepPattern | null;
  readonly arrowHandler: boolean;
  /** Set when the first argument is an options object with a name. */
  readonly parameterType: RawParameterType | null;
}

/** A method decorator `@given(pattern)` inside a class, for cucumber-tsflow. */
export interface CandidateDecorator {
  readonly decorator: Callee;
  /** Decorators of the enclosing class (`@binding()` must be one of them). */
  readonly classDecorators: readonly Callee[];
  readonly line: number;
  readonly column: number;
  readonly pattern: StepPattern;
}

export interface JavaScriptModule {
  readonly file: string;
  readonly bindings: ReadonlyMap<string, BindingOrigin>;
  readonly exports: ReadonlyMap<string, ExportEntry>;
  /** `export * from "specifier"`. */
  readonly starExports: readonly string[];
  /** Every module specifier it imports or requires (side-effect imports too), in source order. */
  readonly imports: readonly string[];
  readonly calls: readonly CandidateCall[];
  readonly decorators: readonly CandidateDecorator[];
  readonly problems: readonly ReaderProblem[];
}

export function languageOf(path: string): "js" | "jsx" | "ts" | "tsx" {
  if (path.endsWith(".tsx")) return "tsx";
  if (/\.[cm]?ts$/.test(path)) return "ts";
  if (path.endsWith(".jsx")) return "jsx";
  return "js";
}

export function patternOf(argument: AstNode | null, text: string): StepPattern {
  const string = stringLiteral(argument);
  if (string !== null) return { kind: "cucumber-expression", source: string };
  const regex = regexLiteral(argument);
  if (regex) return { kind: "regexp", source: regex.source, flags: regex.flags };
  const source = argument ? text.slice(argument.start, argument.end) : "";
  return { kind: "unresolved", source, reason: "the pattern is not a literal string or regular expression" };
}

function unwrap(node: AstNode | null): AstNode | null {
  let current = node;
  while (
    current &&
    (current.type === "AwaitExpression" ||
      current.type === "ParenthesizedExpression" ||
      current.type === "TSAsExpression" ||
      current.type === "TSSatisfiesExpression" ||
      current.type === "TSNonNullExpression")
  ) {
    current = child(current, current.type === "AwaitExpression" ? "argument" : "expression");
  }
  return current;
}

function calleeOf(node: AstNode | null): Callee | null {
  const target = unwrap(node);
  if (!target) return null;
  const name = identifierName(target);
  if (name) return { kind: "name", name };
  if (target.type === "MemberExpression" && !target.computed) {
    const member = identifierName(child(target, "property"));
    const object = unwrap(child(target, "object"));
    if (!member || !object) return null;
    if (object.type === "ThisExpression") return { kind: "this", member };
    const objectName = identifierName(object);
    return objectName ? { kind: "member", object: objectName, member } : null;
  }
  return null;
}

/** "specifier" of `require("specifier")`, or null. */
function requireSpecifier(node: AstNode | null): string | null {
  const target = unwrap(node);
  if (target?.type !== "CallExpression" || identifierName(child(target, "callee")) !== "require") return null;
  return stringLiteral(children(target, "arguments")[0] ?? null);
}

class ModuleReader {
  readonly bindings = new Map<string, BindingOrigin>();
  readonly exports = new Map<string, ExportEntry>();
  readonly starExports: string[] = [];
  readonly imports: string[] = [];
  readonly calls: CandidateCall[] = [];
  readonly decorators: CandidateDecorator[] = [];
  /** Class bodies: `this.Given(...)` inside one is a method call, not old cucumber-js support code. */
  private readonly classRanges: [number, number][] = [];
  readonly file: string;
  private readonly text: string;
  private readonly lines: LineIndex;

  constructor(file: string, text: string) {
    this.file = file;
    this.text = text;
    this.lines = new LineIndex(text);
  }

  read(program: AstNode): void {
    walk(program, (node) => {
      switch (node.type) {
        case "ImportDeclaration":
          this.readImport(node);
          break;
        case "ExportNamedDeclaration":
        case "ExportAllDeclaration":
          this.readExport(node);
          break;
        case "VariableDeclarator":
          this.readDeclarator(node);
          break;
        case "FunctionDeclaration":
        case "ClassDeclaration": {
          const name = identifierName(child(node, "id"));
          if (name) this.bindings.set(name, { kind: "local" });
          if (node.type === "ClassDeclaration") this.readClass(node);
          break;
        }
        case "ClassExpression":
          this.readClass(node);
          break;
        case "CallExpression":
          this.readCall(node);
          break;
        case "AssignmentExpression":
          this.readCommonJsExport(node);
          break;
      }
    });
  }

  private position(offset: number): { line: number; column: number } {
    return this.lines.position(offset);
  }

  private readImport(node: AstNode): void {
    const specifier = stringLiteral(child(node, "source")) ?? "";
    this.imports.push(specifier);
    for (const item of children(node, "specifiers")) {
      const local = identifierName(child(item, "local"));
      if (!local) continue;
      const imported =
        item.type === "ImportSpecifier"
          ? (propertyKeyName(child(item, "imported")) ?? local)
          : item.type === "ImportDefaultSpecifier"
            ? "default"
            : "*";
      this.bindings.set(local, { kind: "import", specifier, imported });
    }
  }

  private readExport(node: AstNode): void {
    const source = stringLiteral(child(node, "source"));
    if (node.type === "ExportAllDeclaration") {
      if (source === null) return;
      this.imports.push(source);
      const exported = propertyKeyName(child(node, "exported"));
      if (exported) this.exports.set(exported, { kind: "reexport", specifier: source, imported: "*" });
      else this.starExports.push(source);
      return;
    }
    if (source !== null) this.imports.push(source);
    for (const item of children(node, "specifiers")) {
      const local = propertyKeyName(child(item, "local"));
      const exported = propertyKeyName(child(item, "exported")) ?? local;
      if (!local || !exported) continue;
      this.exports.set(
        exported,
        source !== null ? { kind: "reexport", specifier: source, imported: local } : { kind: "local", local },
      );
    }
    const declaration = child(node, "declaration");
    if (declaration?.type === "VariableDeclaration") {
      for (const declarator of children(declaration, "declarations")) {
        for (const name of declaredNames(child(declarator, "id")))
          this.exports.set(name, { kind: "local", local: name });
      }
    } else if (declaration) {
      const name = identifierName(child(declaration, "id"));
      if (name) this.exports.set(name, { kind: "local", local: name });
    }
  }

  /** `module.exports = { Given, When }`, `exports.Given = Given`, `module.exports.Given = Given`. */
  private readCommonJsExport(node: AstNode): void {
    if (node.operator !== "=") return;
    const left = child(node, "left");
    const right = unwrap(child(node, "right"));
    const path = memberPath(left);
    if (path === "module.exports" && right?.type === "ObjectExpression") {
      for (const property of children(right, "properties")) {
        const key = propertyKeyName(child(property, "key"));
        const value = identifierName(child(property, "value"));
        if (key && value) this.exports.set(key, { kind: "local", local: value });
      }
      return;
    }
    const exported = path?.match(/^(?:module\.)?exports\.([\w$]+)$/)?.[1];
    const value = identifierName(right);
    if (exported && value) this.exports.set(exported, { kind: "local", local: value });
    const specifier = requireSpecifier(right);
    if (path === "module.exports" && specifier !== null) this.starExports.push(specifier);
  }

  private readDeclarator(node: AstNode): void {
    const id = child(node, "id");
    const init = unwrap(child(node, "init"));
    if (!id) return;
    const specifier = requireSpecifier(init);
    if (specifier !== null) this.imports.push(specifier);
    const initCall = init?.type === "CallExpression" ? calleeOf(child(init, "callee")) : null;
    const fromCreateBdd = initCall?.kind === "name" && initCall.name === "createBdd";
    const objectName = identifierName(init);
    const member = init ? calleeOf(init) : null;
    if (id.type === "Identifier") {
      const name = identifierName(id);
      if (!name) return;
      if (specifier !== null) this.bindings.set(name, { kind: "import", specifier, imported: "*" });
      else if (member?.kind === "member") this.bindings.set(name, member);
      else if (objectName) this.bindings.set(name, { kind: "member", object: objectName, member: "*" });
      else this.bindings.set(name, { kind: "local" });
      return;
    }
    if (id.type !== "ObjectPattern") {
      for (const name of declaredNames(id)) this.bindings.set(name, { kind: "local" });
      return;
    }
    for (const property of children(id, "properties")) {
      const key = propertyKeyName(child(property, "key"));
      const value = child(property, "value");
      const local = identifierName(value) ?? identifierName(value ? child(value, "left") : null);
      if (!local) continue;
      if (!key) this.bindings.set(local, { kind: "local" });
      else if (specifier !== null) this.bindings.set(local, { kind: "import", specifier, imported: key });
      else if (fromCreateBdd) this.bindings.set(local, { kind: "create-bdd", member: key });
      else if (objectName) this.bindings.set(local, { kind: "member", object: objectName, member: key });
      else this.bindings.set(local, { kind: "local" });
    }
  }

  private readCall(node: AstNode): void {
    const callee = calleeOf(child(node, "callee"));
    if (!callee) return;
    if (
      callee.kind === "this" &&
      this.classRanges.some(([start, end]) => node.start >= start && node.end <= end)
    )
      return;
    if (callee.kind === "name" && callee.name === "require") {
      const specifier = stringLiteral(children(node, "arguments")[0] ?? null);
      if (specifier !== null && !this.imports.includes(specifier)) this.imports.push(specifier);
      return;
    }
    const args = children(node, "arguments");
    const handler = args.length >= 2 ? args[args.length - 1] : undefined;
    const parameterType = readParameterType(args[0] ?? null, this.file, this.position(node.start));
    if (!handler && !parameterType) return;
    const position = this.position(node.start);
    this.calls.push({
      callee,
      ...position,
      pattern: handler ? patternOf(args[0] ?? null, this.text) : null,
      arrowHandler: handler?.type === "ArrowFunctionExpression",
      parameterType,
    });
  }

  private readClass(node: AstNode): void {
    this.classRanges.push([node.start, node.end]);
    const classDecorators = decoratorCallees(node);
    const body = child(node, "body");
    if (!body) return;
    for (const member of children(body, "body")) {
      if (member.type !== "MethodDefinition" && member.type !== "PropertyDefinition") continue;
      for (const decorator of children(member, "decorators")) {
        const expression = unwrap(child(decorator, "expression"));
        if (expression?.type !== "CallExpression") continue;
        const callee = calleeOf(child(expression, "callee"));
        const [first] = children(expression, "arguments");
        if (!callee || !first) continue;
        this.decorators.push({
          decorator: callee,
          classDecorators,
          ...this.position(decorator.start),
          pattern: patternOf(first, this.text),
        });
      }
    }
  }
}

function decoratorCallees(node: AstNode): Callee[] {
  const callees: Callee[] = [];
  for (const decorator of children(node, "decorators")) {
    const expression = unwrap(child(decorator, "expression"));
    const callee = calleeOf(expression?.type === "CallExpression" ? child(expression, "callee") : expression);
    if (callee) callees.push(callee);
  }
  return callees;
}

function declaredNames(pattern: AstNode | null): string[] {
  if (!pattern) return [];
  const names: string[] = [];
  walk(pattern, (node) => {
    if (node.type === "Identifier" && typeof node.name === "string") names.push(node.name);
  });
  return names;
}

function readParameterType(
  options: AstNode | null,
  file: string,
  position: { line: number; column: number },
): RawParameterType | null {
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
  return { file, ...position, name, regexps, useForSnippets, preferForRegexpMatch };
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

export function readJavaScriptModule(file: string, text: string): JavaScriptModule {
  // The native parser would overflow its stack (a process crash, not an exception).
  const excess = javaScriptNestingExcess(text, DEFAULT_MAX_NESTING_DEPTH);
  if (excess !== null) {
    const problem = { file, line: excess.line, column: excess.column, message: nestingMessage(excess) };
    return {
      file,
      bindings: new Map(),
      exports: new Map(),
      starExports: [],
      imports: [],
      calls: [],
      decorators: [],
      problems: [problem],
    };
  }
  const lines = new LineIndex(text);
  const result = parseSync(file, text, { lang: languageOf(file), sourceType: "unambiguous" });
  const problems: ReaderProblem[] = result.errors.map((error) => {
    const position = lines.position(error.labels[0]?.start ?? 0);
    return { file, line: position.line, column: position.column, message: error.message };
  });
  const reader = new ModuleReader(file, text);
  reader.read(result.program as unknown as AstNode);
  return {
    file,
    bindings: reader.bindings,
    exports: reader.exports,
    starExports: reader.starExports,
    imports: reader.imports,
    calls: reader.calls,
    decorators: reader.decorators,
    problems,
  };
}
