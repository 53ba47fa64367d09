import { createProjectFiles } from "../../acc/graph.ts";
import { DEFAULT_EXCLUDES } from "../../acc/path-filter.ts";
import { createPythonResolver } from "../../acc/resolve/python.ts";
import type { SnapshotFile } from "../../snapshot.ts";
import type { ParsedFeature } from "../gherkin.ts";
import type { RawStepDefinition, ReaderProblem } from "../steps/model.ts";
import type { PythonProject } from "../steps/python-session.ts";
import { runBehave } from "./behave.ts";
import type { FixtureRank, SuiteFeature } from "./model.ts";
import { joinPath, type PytestBddModule, runPytestBdd } from "./pytest-bdd.ts";

/**
 * The behave and pytest-bdd suites of a repository. behave: one run per base directory (a
 * directory with a `steps/` directory of Python files), on the feature files below it (each in
 * its nearest base). pytest-bdd: one suite per test module that binds scenarios, seeing the step
 * fixtures of its own namespace, of the conftest.py files above it and of `pytest_plugins`,
 * the closest winning.
 */

/** Python suites before their definitions are compiled. */
export interface PythonSuite {
  readonly runner: "behave" | "pytest-bdd";
  readonly name: string;
  readonly scope: string;
  readonly features: readonly SuiteFeature[];
  readonly definitions: readonly RawStepDefinition[];
  /** pytest-bdd: closeness per index in `definitions`. */
  readonly ranks?: readonly FixtureRank[];
  readonly stepSources: readonly string[];
}

export interface PythonSuites {
  readonly suites: readonly PythonSuite[];
  /** Feature files some Python suite runs. */
  readonly claimed: ReadonlySet<string>;
  readonly problems: readonly ReaderProblem[];
}

export interface PythonSuitesInput {
  readonly files: readonly SnapshotFile[];
  /** `bdv.steps` when the user set it: only these Python files are step sources. */
  readonly stepFilter: ((path: string) => boolean) | null;
  /** `bdv.features` when the user set it: only these feature files are checked. */
  readonly featureFilter: ((path: string) => boolean) | null;
  readonly feature: (path: string, behave: boolean) => ParsedFeature | null;
}

function dirname(path: string): string {
  return path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "";
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

function segments(dir: string): number {
  return dir === "" ? 0 : dir.split("/").length;
}

function under(path: string, dir: string): boolean {
  return dir === "" || path.startsWith(`${dir}/`);
}

const EXCLUDED = new Set(DEFAULT_EXCLUDES);

function excluded(path: string): boolean {
  return path.split("/").some((segment) => EXCLUDED.has(segment));
}

function isTestModule(name: string): boolean {
  return /^test_.*\.py$/.test(name) || /_test\.py$/.test(name);
}

/** Python files that can hold step definitions by convention (when bdv.steps is not set). */
function conventional(path: string): boolean {
  const name = basename(path);
  return (
    name === "conftest.py" ||
    name === "environment.py" ||
    isTestModule(name) ||
    basename(dirname(path)) === "steps"
  );
}

/** A step module behave would run: it uses behave, or bare step decorators without pytest-bdd. */
function behaveLike(text: string): boolean {
  if (/\bpytest_bdd\b/.test(text)) return false;
  return /\bbehave\b/.test(text) || /^\s*@(?:[Gg]iven|[Ww]hen|[Tt]hen|[Ss]tep)\s*\(/m.test(text);
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `bdd_features_base_dir` of the root pytest configuration (pytest.ini, tox.ini, setup.cfg, pyproject.toml). */
function featuresBaseDir(read: (path: string) => string | undefined): string | null {
  for (const file of ["pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg"]) {
    const text = read(file);
    const value = text
      ? /^\s*bdd_features_base_dir\s*=\s*["']?([^"'\r\n#;]+?)["']?\s*$/m.exec(text)?.[1]
      : undefined;
    if (value !== undefined) return joinPath("", value.trim()) ?? "";
  }
  return null;
}

export function loadPythonSuites(input: PythonSuitesInput): PythonSuites {
  const project = createProjectFiles(input.files);
  const resolver = createPythonResolver(project);
  const python: PythonProject = { read: (path) => project.read(path), resolve: resolver };
  const paths = input.files.map((file) => file.path);
  const candidates = paths.filter(
    (path) =>
      path.endsWith(".py") &&
      !excluded(path) &&
      (input.stepFilter ? input.stepFilter(path) : conventional(path)),
  );
  // Neither behave nor pytest-bdd reads Markdown features.
  const featurePaths = paths.filter((path) => path.endsWith(".feature") && !excluded(path));
  const problems: ReaderProblem[] = [];
  const claimed = new Set<string>();
  const suites: PythonSuite[] = [
    ...behaveSuites(python, paths, candidates, featurePaths, input, claimed),
    ...pytestBddSuites(python, candidates, input, claimed, problems),
  ];
  return { suites, claimed, problems };
}

function behaveSuites(
  project: PythonProject,
  paths: readonly string[],
  candidates: readonly string[],
  featurePaths: readonly string[],
  input: PythonSuitesInput,
  claimed: Set<string>,
): PythonSuite[] {
  const bases = new Set<string>();
  for (const path of candidates) {
    const dir = dirname(path);
    if (basename(dir) === "steps" && behaveLike(project.read(path) ?? "")) bases.add(dirname(dir));
  }
  const ordered = [...bases].sort((a, b) => segments(b) - segments(a) || compareCodeUnits(a, b));
  const suites: PythonSuite[] = [];
  for (const base of ordered) {
    const prefix = base === "" ? "" : `${base}/`;
    const features = featurePaths.filter(
      (path) => under(path, base) && !claimed.has(path) && (input.featureFilter?.(path) ?? true),
    );
    for (const path of features) claimed.add(path);
    const stepFiles = paths
      .filter((path) => path.endsWith(".py") && dirname(path) === `${prefix}steps`)
      .sort(compareCodeUnits);
    const environment = paths.includes(`${prefix}environment.py`) ? `${prefix}environment.py` : null;
    suites.push({
      runner: "behave",
      name: `behave ${prefix || "./"}`,
      scope: base,
      features: suiteFeatures(features, input, true, () => null),
      definitions: runBehave(project, { environment, stepFiles }),
      stepSources: [`${prefix}steps/*.py`],
    });
  }
  return suites;
}

function suiteFeatures(
  paths: readonly string[],
  input: PythonSuitesInput,
  behave: boolean,
  scenarioLines: (feature: ParsedFeature) => ReadonlySet<number> | null,
): SuiteFeature[] {
  return paths.flatMap((path) => {
    const feature = input.feature(path, behave);
    return feature ? [{ feature, scenarioLines: scenarioLines(feature) }] : [];
  });
}

function pytestBddSuites(
  project: PythonProject,
  candidates: readonly string[],
  input: PythonSuitesInput,
  claimed: Set<string>,
  problems: ReaderProblem[],
): PythonSuite[] {
  const conftests = candidates
    .filter((path) => basename(path) === "conftest.py")
    .sort((a, b) => segments(a) - segments(b) || compareCodeUnits(a, b));
  const testModules = candidates
    .filter((path) => isTestModule(basename(path)) && /\bscenarios?\s*\(/.test(project.read(path) ?? ""))
    .sort(compareCodeUnits);
  if (testModules.length === 0) return [];
  const session = runPytestBdd(project, {
    modules: [...conftests, ...testModules],
    featuresBaseDir: featuresBaseDir((path) => project.read(path)),
  });
  problems.push(...session.problems);
  const byFile = new Map(session.modules.map((module) => [module.file, module]));
  const ranking = fixtureRanking(session.pluginFiles, conftests, testModules, byFile);
  const featurePaths = new Set(input.files.map((file) => file.path));
  const suites: PythonSuite[] = [];
  for (const file of testModules) {
    const module = byFile.get(file);
    if (!module || module.bindings.length === 0) continue;
    const bound = boundFeatures(module, featurePaths, input);
    for (const path of bound.keys()) claimed.add(path);
    const visible = visibleModules(file, session.pluginFiles, conftests);
    const definitions: RawStepDefinition[] = [];
    const ranks: FixtureRank[] = [];
    for (const { file: owner, depth } of visible) {
      for (const fixture of byFile.get(owner)?.fixtures ?? []) {
        definitions.push(fixture.definition);
        ranks.push({ depth, order: ranking.get(`${owner}\u0000${fixture.name}`) ?? 0 });
      }
    }
    suites.push({
      runner: "pytest-bdd",
      name: `pytest-bdd ${file}`,
      scope: file,
      features: suiteFeatures(
        [...bound.keys()],
        input,
        false,
        (feature) => bound.get(feature.path)?.(feature) ?? null,
      ),
      definitions,
      ranks,
      stepSources: [file, ...visible.map((entry) => entry.file).filter((owner) => owner !== file)],
    });
  }
  return suites;
}

/** Plugins (depth 0), the conftest.py files above the module, the module itself (deepest). */
function visibleModules(
  file: string,
  plugins: readonly string[],
  conftests: readonly string[],
): { file: string; depth: number }[] {
  const visible = plugins.map((plugin) => ({ file: plugin, depth: 0 }));
  for (const conftest of conftests) {
    const dir = dirname(conftest);
    if (under(file, dir)) visible.push({ file: conftest, depth: segments(dir) + 1 });
  }
  visible.push({ file, depth: segments(dirname(file)) + 2 });
  return visible;
}

/**
 * pytest's fixture order for ties at the same depth: fixture names in the order they were first
 * registered (modules in load order, names in `dir()` order within a module), then the order of
 * registration under that name.
 */
function fixtureRanking(
  plugins: readonly string[],
  conftests: readonly string[],
  testModules: readonly string[],
  byFile: ReadonlyMap<string, PytestBddModule>,
): Map<string, number> {
  const nameIndex = new Map<string, number>();
  const rank = new Map<string, number>();
  const modules = [...plugins, ...conftests, ...testModules];
  modules.forEach((file, moduleIndex) => {
    for (const fixture of byFile.get(file)?.fixtures ?? []) {
      if (!nameIndex.has(fixture.name)) nameIndex.set(fixture.name, nameIndex.size);
      rank.set(
        `${file}\u0000${fixture.name}`,
        (nameIndex.get(fixture.name) ?? 0) * (modules.length + 1) + moduleIndex,
      );
    }
  });
  return rank;
}

/**
 * Feature file -> which of its scenarios the module runs. pytest-bdd keys a feature's scenarios
 * by name, so of two scenarios with one name only the last is bound.
 */
function boundFeatures(
  module: PytestBddModule,
  existing: ReadonlySet<string>,
  input: PythonSuitesInput,
): Map<string, (feature: ParsedFeature) => ReadonlySet<number>> {
  const bound = new Map<string, Set<string> | null>();
  for (const binding of module.bindings) {
    const files = existing.has(binding.path)
      ? [binding.path]
      : [...existing].filter((path) => path.endsWith(".feature") && under(path, binding.path));
    for (const file of files) {
      if (input.featureFilter && !input.featureFilter(file)) continue;
      const names = bound.has(file) ? bound.get(file) : new Set<string>();
      if (binding.scenario === null || names === null) bound.set(file, null);
      else bound.set(file, (names ?? new Set<string>()).add(binding.scenario));
    }
  }
  const result = new Map<string, (feature: ParsedFeature) => ReadonlySet<number>>();
  for (const [file, names] of [...bound].sort(([a], [b]) => compareCodeUnits(a, b))) {
    result.set(file, (feature) => {
      const lastByName = new Map<string, number>();
      for (const scenario of feature.scenarioList) lastByName.set(scenario.name, scenario.location.line);
      return new Set(
        [...lastByName].filter(([name]) => names === null || names.has(name)).map(([, line]) => line),
      );
    });
  }
  return result;
}
