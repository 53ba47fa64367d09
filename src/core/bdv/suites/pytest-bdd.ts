import { dirname, joinPath as joinRepositoryPath } from "../../acc/resolve/ts-paths.ts";
import type { DefinitionKeyword, RawStepDefinition, StepPattern } from "../steps/model.ts";
import type { PyCall } from "../steps/python-module.ts";
import { type ModuleContext, type PythonProject, PythonSession } from "../steps/python-session.ts";
import { type PyValue, stringList } from "../steps/python-values.ts";

/**
 * pytest-bdd, simulated statically: every conftest.py and test module is imported once (one
 * pytest session); a step decorator creates a fixture in its module's namespace
 * (pytest_bdd/steps.py: `pytestbdd_stepdef_<type>_<name>`, made unique in the module), so a
 * star import copies it; `scenarios()` / `@scenario()` bind feature files (or one scenario) to
 * the test module; `pytest_plugins` makes modules visible everywhere.
 */

export interface ScenarioBinding {
  /** Repository path of the feature file or directory. */
  readonly path: string;
  /** Only this scenario (by name); null: every scenario. */
  readonly scenario: string | null;
}

export interface PytestBddModule {
  readonly file: string;
  /** Step fixtures in the namespace (defined here or star-imported), sorted by fixture name. */
  readonly fixtures: readonly { readonly name: string; readonly definition: RawStepDefinition }[];
  readonly bindings: readonly ScenarioBinding[];
  readonly plugins: readonly string[];
}

export interface PytestBddInput {
  /** conftest.py files, top-down, then test modules in path order. */
  readonly modules: readonly string[];
  /** `bdd_features_base_dir` of the pytest configuration, relative to the repository root. */
  readonly featuresBaseDir: string | null;
}

/** Joins and normalises a repository-relative path ("." and ".." segments); null above the root. */
export function joinPath(base: string, relative: string): string | null {
  return joinRepositoryPath(base, relative) ?? null;
}

function parserPattern(value: PyValue, source: string): StepPattern {
  if (value.kind === "string") return { kind: "exact", source: value.value };
  if (value.kind === "parser") {
    if (value.source === null || value.why)
      return { kind: "unresolved", source, reason: value.why ?? "the parser's argument is not a literal" };
    switch (value.parser) {
      case "string":
        return { kind: "exact", source: value.source };
      case "re":
        return { kind: "python-regexp", source: value.source, anchoring: "full" };
      default:
        return {
          kind: "parse",
          source: value.source,
          cardinality: value.parser === "cfparse",
          caseSensitive: false,
          types: value.extraTypes,
        };
    }
  }
  return {
    kind: "unresolved",
    source,
    reason: value.kind === "unknown" ? value.why : "the step name is not a literal",
  };
}

/** pytest-bdd's `parser.name`: the text the fixture is named after. */
function parserName(pattern: StepPattern): string {
  return pattern.kind === "unresolved" ? `?${pattern.source}` : pattern.source;
}

class PytestBddCollector {
  readonly bindings = new Map<string, ScenarioBinding[]>();
  readonly plugins = new Map<string, string[]>();
  private readonly featuresBaseDir: string | null;

  constructor(featuresBaseDir: string | null) {
    this.featuresBaseDir = featuresBaseDir;
  }

  private baseDir(context: ModuleContext, explicit: PyValue | undefined): string {
    if (explicit?.kind === "string") return joinPath(dirname(context.file), explicit.value) ?? "";
    return this.featuresBaseDir ?? dirname(context.file);
  }

  private bind(context: ModuleContext, binding: ScenarioBinding): void {
    const list = this.bindings.get(context.file) ?? [];
    list.push(binding);
    this.bindings.set(context.file, list);
  }

  decorator(context: ModuleContext, decorator: PyCall, callee: PyValue): void {
    if (callee.kind !== "builtin" || !decorator.args) return;
    if (callee.builtin.id === "scenario") {
      this.scenario(context, decorator);
      return;
    }
    if (callee.builtin.id !== "step" || callee.builtin.framework !== "pytest-bdd") return;
    const argument = decorator.args.find((arg) => arg.keyword === null || arg.keyword === "name");
    const source = argument ? argument.tokens.map((token) => token.raw).join(" ") : "";
    const value: PyValue = argument
      ? context.evaluate(argument.tokens)
      : { kind: "unknown", why: "no step name" };
    const pattern = parserPattern(value, source);
    const keyword: DefinitionKeyword = callee.builtin.keyword;
    const definition: RawStepDefinition = {
      file: context.file,
      line: decorator.line,
      column: decorator.column,
      framework: "pytest-bdd",
      keyword,
      pattern,
    };
    const base = `pytestbdd_stepdef_${keyword === "step" ? "*" : keyword}_${parserName(pattern)}`;
    let name = base;
    for (let suffix = 1; context.namespace.has(name); suffix++) name = `${base}_${suffix}`;
    context.namespace.set(name, { kind: "fixture", definition });
  }

  private scenario(context: ModuleContext, call: PyCall): void {
    const args = (call.args ?? []).map((arg) => ({
      keyword: arg.keyword,
      value: context.evaluate(arg.tokens),
    }));
    const positional = args.filter((arg) => arg.keyword === null).map((arg) => arg.value);
    const named = new Map(args.flatMap((arg) => (arg.keyword ? [[arg.keyword, arg.value] as const] : [])));
    const feature = positional[0] ?? named.get("feature_name");
    const name = positional[1] ?? named.get("scenario_name");
    if (feature?.kind !== "string" || name?.kind !== "string") return;
    const path = joinPath(this.baseDir(context, named.get("features_base_dir")), feature.value);
    if (path !== null) this.bind(context, { path, scenario: name.value });
  }

  call(context: ModuleContext, call: PyCall, callee: PyValue): void {
    if (callee.kind !== "builtin" || !call.args) return;
    if (callee.builtin.id === "scenario") {
      this.scenario(context, call);
      return;
    }
    if (callee.builtin.id !== "scenarios") return;
    const explicit = call.args.find((arg) => arg.keyword === "features_base_dir");
    const base = this.baseDir(context, explicit ? context.evaluate(explicit.tokens) : undefined);
    for (const arg of call.args) {
      if (arg.keyword !== null) continue;
      const value = context.evaluate(arg.tokens);
      const path = value.kind === "string" ? joinPath(base, value.value) : null;
      if (path !== null) this.bind(context, { path, scenario: null });
    }
  }

  assign(context: ModuleContext, name: string, value: PyValue): void {
    if (name !== "pytest_plugins") return;
    this.plugins.set(context.file, stringList(value) ?? []);
  }
}

export interface PytestBddSession {
  readonly modules: readonly PytestBddModule[];
  /** Modules named by `pytest_plugins`: their fixtures are visible to every test. */
  readonly pluginFiles: readonly string[];
  readonly problems: PythonSession["problems"];
}

export function runPytestBdd(project: PythonProject, input: PytestBddInput): PytestBddSession {
  const collector = new PytestBddCollector(input.featuresBaseDir);
  const session = new PythonSession(project, {
    decorator: (context, decorator, callee) => collector.decorator(context, decorator, callee),
    call: (context, call, callee) => collector.call(context, call, callee),
    assign: (context, name, value) => collector.assign(context, name, value),
  });
  const pluginFiles: string[] = [];
  for (const file of input.modules) {
    session.import(file);
    for (const plugin of collector.plugins.get(file) ?? []) {
      const [resolved] = project.resolve(file, { specifier: plugin, line: 0, kind: "import", level: 0 });
      if (resolved?.target && !pluginFiles.includes(resolved.target)) {
        pluginFiles.push(resolved.target);
        session.import(resolved.target);
      }
    }
  }
  const modules = session.contexts().map((context) => ({
    file: context.file,
    fixtures: [...context.namespace]
      .flatMap(([name, value]) => (value.kind === "fixture" ? [{ name, definition: value.definition }] : []))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    bindings: collector.bindings.get(context.file) ?? [],
    plugins: collector.plugins.get(context.file) ?? [],
  }));
  return { modules, pluginFiles, problems: session.problems };
}
