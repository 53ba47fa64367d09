import type { Callee, CandidateCall, CandidateDecorator, JavaScriptModule } from "./javascript.ts";
import { readJavaScriptModule } from "./javascript.ts";
import type {
  DefinitionKeyword,
  RawParameterType,
  RawStepDefinition,
  ReaderProblem,
  StepFileResult,
  StepPattern,
} from "./model.ts";

/**
 * cucumber-js step definitions of a project, read the way cucumber-js loads them: every support
 * file in order, each after the modules it imports (a module registers its steps when it is
 * first imported). A call is a step definition when its callee leads, through the project's own
 * imports and re-exports, to Given/When/Then/defineStep of a Cucumber module (or a wrapper such
 * as playwright-bdd's createBdd()); cucumber-tsflow's `@given/@when/@then` methods count inside
 * `@binding()` classes.
 */

export const CUCUMBER_MODULES = new Set([
  "@cucumber/cucumber",
  "@cucumber/fake-cucumber",
  "cucumber",
  "@badeball/cypress-cucumber-preprocessor",
  "cypress-cucumber-preprocessor/steps",
  "@wdio/cucumber-framework",
  "playwright-bdd",
]);

const TSFLOW_MODULE = "cucumber-tsflow";

const STEP_FUNCTIONS: Record<string, DefinitionKeyword> = {
  Given: "given",
  When: "when",
  Then: "then",
  And: "step",
  But: "step",
  Step: "step",
  defineStep: "step",
};
const TSFLOW_DECORATORS = new Map<string, DefinitionKeyword>([
  ["given", "given"],
  ["when", "when"],
  ["then", "then"],
]);
const PARAMETER_TYPE_FUNCTIONS = new Set(["defineParameterType", "ParameterType"]);

/** What a name stands for, once followed to its origin. */
type Meaning =
  | { readonly kind: "step"; readonly keyword: DefinitionKeyword }
  | { readonly kind: "parameter-type" }
  | { readonly kind: "cucumber" }
  | { readonly kind: "tsflow" }
  | { readonly kind: "tsflow-binding" }
  | { readonly kind: "tsflow-step"; readonly keyword: DefinitionKeyword }
  | { readonly kind: "module"; readonly file: string };

export interface JavaScriptProjectFiles {
  read(path: string): string | undefined;
  /** The file an import specifier leads to, or null (external or unresolved). */
  resolve(fromFile: string, specifier: string): string | null;
  /** The package.json name of the directory a relative specifier names (`'../../'`), if any. */
  packageNamed(fromFile: string, specifier: string): string | null;
}

export interface JavaScriptSteps {
  readonly definitions: readonly RawStepDefinition[];
  readonly parameterTypes: readonly RawParameterType[];
  readonly problems: readonly ReaderProblem[];
  /** Every module loaded (support files and the modules they import), in load order. */
  readonly files: readonly string[];
  readonly arrowHandlers: number;
}

/** Loading stops following imports beyond this many modules (the entries are always read). */
const MAX_FOLLOWED_MODULES = 5000;
const MAX_ALIAS_DEPTH = 16;
const JAVASCRIPT = /\.(?:[cm]?[jt]s|[jt]sx)$/;

function cucumberMember(name: string): Meaning | null {
  const keyword = STEP_FUNCTIONS[name];
  if (keyword) return { kind: "step", keyword };
  if (PARAMETER_TYPE_FUNCTIONS.has(name)) return { kind: "parameter-type" };
  return null;
}

function tsflowMember(name: string): Meaning | null {
  if (name === "binding") return { kind: "tsflow-binding" };
  const keyword = TSFLOW_DECORATORS.get(name);
  return keyword ? { kind: "tsflow-step", keyword } : null;
}

function isFrameworkName(name: string): boolean {
  return CUCUMBER_MODULES.has(name) || name === TSFLOW_MODULE;
}

function isRelative(specifier: string): boolean {
  return specifier.startsWith("./") || specifier.startsWith("../") || specifier === "." || specifier === "..";
}

class ProjectReader {
  private readonly modules = new Map<string, JavaScriptModule | null>();
  readonly definitions: RawStepDefinition[] = [];
  readonly parameterTypes: RawParameterType[] = [];
  readonly problems: ReaderProblem[] = [];
  readonly loaded: string[] = [];
  arrowHandlers = 0;
  private readonly visited = new Set<string>();
  private readonly entries = new Set<string>();

  private readonly project: JavaScriptProjectFiles;

  constructor(project: JavaScriptProjectFiles) {
    this.project = project;
  }

  module(file: string): JavaScriptModule | null {
    if (this.modules.has(file)) return this.modules.get(file) ?? null;
    const text = this.project.read(file);
    let module: JavaScriptModule | null = null;
    if (text !== undefined) {
      try {
        module = readJavaScriptModule(file, text);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.problems.push({ file, line: 1, column: 1, message });
      }
    }
    this.modules.set(file, module);
    return module;
  }

  /** Loads a support file the way Node does: its imports first (each once), then its own calls. */
  load(entry: string): void {
    this.entries.add(entry);
    const stack: { file: string; next: number }[] = [];
    const enter = (file: string) => {
      if (this.visited.has(file)) return;
      this.visited.add(file);
      stack.push({ file, next: 0 });
    };
    enter(entry);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1] as { file: string; next: number };
      const module = this.module(frame.file);
      const imports = module?.imports ?? [];
      if (frame.next < imports.length && this.visited.size < MAX_FOLLOWED_MODULES) {
        const specifier = imports[frame.next++] ?? "";
        const target = this.isFramework(frame.file, specifier)
          ? null
          : this.project.resolve(frame.file, specifier);
        if (target && JAVASCRIPT.test(target) && !target.endsWith(".d.ts")) enter(target);
        continue;
      }
      stack.pop();
      if (module) this.register(module);
    }
  }

  /** An import of Cucumber or cucumber-tsflow (by name, or a workspace copy by its directory). */
  private framework(fromFile: string, specifier: string): string | null {
    const name = isFrameworkName(specifier) ? specifier : this.project.packageNamed(fromFile, specifier);
    return name !== null && isFrameworkName(name) ? name : null;
  }

  /** Their internals are not the project's steps: never followed. */
  private isFramework(fromFile: string, specifier: string): boolean {
    return this.framework(fromFile, specifier) !== null;
  }

  private register(module: JavaScriptModule): void {
    this.loaded.push(module.file);
    // A syntax error matters where definitions may hide: the support files and modules with candidates.
    if (this.entries.has(module.file) || module.calls.length > 0 || module.decorators.length > 0)
      this.problems.push(...module.problems);
    for (const call of module.calls) this.registerCall(module, call);
    for (const decorator of module.decorators) this.registerDecorator(module, decorator);
  }

  private registerCall(module: JavaScriptModule, call: CandidateCall): void {
    const meaning = this.calleeMeaning(module, call.callee);
    if (meaning?.kind === "parameter-type" && call.parameterType) {
      this.parameterTypes.push(call.parameterType);
    } else if (meaning?.kind === "step" && call.pattern) {
      if (call.arrowHandler) this.arrowHandlers++;
      this.definitions.push(this.definition(module, call, meaning.keyword, call.pattern));
    }
  }

  private registerDecorator(module: JavaScriptModule, decorator: CandidateDecorator): void {
    const meaning = this.calleeMeaning(module, decorator.decorator);
    if (meaning?.kind !== "tsflow-step") return;
    const bound = decorator.classDecorators.some(
      (callee) => this.calleeMeaning(module, callee)?.kind === "tsflow-binding",
    );
    if (!bound) return;
    this.definitions.push({
      ...this.definition(module, decorator, meaning.keyword, decorator.pattern),
      origin: "cucumber-tsflow",
    });
  }

  private definition(
    module: JavaScriptModule,
    at: { readonly line: number; readonly column: number },
    keyword: DefinitionKeyword,
    pattern: StepPattern,
  ): RawStepDefinition {
    return {
      file: module.file,
      line: at.line,
      column: at.column,
      framework: "cucumber-js",
      keyword,
      pattern,
    };
  }

  private calleeMeaning(module: JavaScriptModule, callee: Callee): Meaning | null {
    if (callee.kind === "this") return cucumberMember(callee.member);
    if (callee.kind === "member") {
      return this.memberMeaning(this.nameMeaning(module, callee.object, 0), callee.member, 0);
    }
    return this.nameMeaning(module, callee.name, 0);
  }

  private nameMeaning(module: JavaScriptModule, name: string, depth: number): Meaning | null {
    if (depth > MAX_ALIAS_DEPTH) return null;
    const binding = module.bindings.get(name);
    if (!binding) {
      // A global: old cucumber-js and the Cypress preprocessor put Given/When/Then there.
      if (name === "defineParameterType") return { kind: "parameter-type" };
      const keyword = STEP_FUNCTIONS[name];
      return keyword && name !== "And" && name !== "But" ? { kind: "step", keyword } : null;
    }
    switch (binding.kind) {
      case "import":
        return this.importMeaning(module.file, binding.specifier, binding.imported, depth + 1);
      case "member":
        return binding.member === "*"
          ? this.nameMeaning(module, binding.object, depth + 1)
          : this.memberMeaning(
              this.nameMeaning(module, binding.object, depth + 1),
              binding.member,
              depth + 1,
            );
      case "create-bdd":
        return cucumberMember(binding.member);
      case "local":
        return null;
    }
  }

  private memberMeaning(object: Meaning | null, member: string, depth: number): Meaning | null {
    if (!object) return null;
    if (object.kind === "cucumber") return cucumberMember(member);
    if (object.kind === "tsflow") return tsflowMember(member);
    if (object.kind === "module") return this.exportMeaning(object.file, member, depth + 1);
    return null;
  }

  private importMeaning(
    fromFile: string,
    specifier: string,
    imported: string,
    depth: number,
  ): Meaning | null {
    if (depth > MAX_ALIAS_DEPTH) return null;
    const owner = this.framework(fromFile, specifier);
    const target = owner ? null : this.project.resolve(fromFile, specifier);
    if (owner) {
      const namespace: Meaning = owner === TSFLOW_MODULE ? { kind: "tsflow" } : { kind: "cucumber" };
      return imported === "*" || imported === "default"
        ? namespace
        : this.memberMeaning(namespace, imported, depth);
    }
    if (!target) {
      // A local wrapper we cannot read: trust the conventional names, as before.
      const keyword = isRelative(specifier) ? STEP_FUNCTIONS[imported] : undefined;
      return keyword && imported !== "And" ? { kind: "step", keyword } : null;
    }
    if (imported === "*") return { kind: "module", file: target };
    return this.exportMeaning(target, imported, depth + 1);
  }

  private exportMeaning(file: string, name: string, depth: number): Meaning | null {
    if (depth > MAX_ALIAS_DEPTH) return null;
    const module = this.module(file);
    if (!module) return null;
    const entry = module.exports.get(name);
    if (entry?.kind === "local") return this.nameMeaning(module, entry.local, depth + 1);
    if (entry?.kind === "reexport")
      return this.importMeaning(file, entry.specifier, entry.imported, depth + 1);
    for (const specifier of module.starExports) {
      const meaning = this.importMeaning(file, specifier, name, depth + 1);
      if (meaning) return meaning;
    }
    return null;
  }
}

/** cucumber-tsflow registers a pattern once per keyword: later bindings of it add no definition. */
function withoutTsflowDuplicates(definitions: readonly RawStepDefinition[]): RawStepDefinition[] {
  const seen = new Set<string>();
  return definitions.filter((definition) => {
    if (definition.origin !== "cucumber-tsflow") return true;
    const key = `${definition.keyword}\u0000${JSON.stringify(definition.pattern)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function readJavaScriptProject(
  entries: readonly string[],
  project: JavaScriptProjectFiles,
): JavaScriptSteps {
  const reader = new ProjectReader(project);
  for (const entry of entries) reader.load(entry);
  return {
    definitions: withoutTsflowDuplicates(reader.definitions),
    parameterTypes: reader.parameterTypes,
    problems: reader.problems,
    files: reader.loaded,
    arrowHandlers: reader.arrowHandlers,
  };
}

/** One file on its own (no imports followed): for tools and tests that read single files. */
export function readJavaScriptSteps(file: string, text: string): StepFileResult {
  const steps = readJavaScriptProject([file], {
    read: (path) => (path === file ? text : undefined),
    resolve: () => null,
    packageNamed: () => null,
  });
  return {
    definitions: steps.definitions,
    parameterTypes: steps.parameterTypes,
    problems: steps.problems,
    usesArrowFunctions: steps.definitions.length > 0 && steps.arrowHandlers * 2 > steps.definitions.length,
  };
}
