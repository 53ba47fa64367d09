import { Minimatch } from "minimatch";
import type { BdvConfig } from "../../config/schema.ts";
import type { SnapshotFile } from "../../snapshot.ts";
import { type CompiledDefinition, type CompiledSteps, compileDefinitions } from "../expressions.ts";
import { type ParsedFeature, parseFeature } from "../gherkin.ts";
import { decodeText } from "../source.ts";
import type { RawStepDefinition, ReaderProblem } from "../steps/model.ts";
import { type BehaveLoadProblem, behaveLoadProblems } from "./behave.ts";
import { CUCUMBER_DEFAULT_FEATURES, type CucumberConfig, readCucumberConfig } from "./cucumber-config.ts";
import { isJavaScriptStepFile, loadJavaScriptSteps } from "./javascript.ts";
import type { FixtureRank, StepSuite } from "./model.ts";
import { loadPythonSuites, type PythonSuite } from "./python.ts";

/**
 * Reads a repository the way its runners load it and returns one suite per runner run
 * (suites/model.ts). Globs: `bdv.features` / `bdv.steps` when configured, else the default
 * profile of the cucumber-js config file, else `features/**`; behave and pytest-bdd suites are
 * found by their own conventions (steps/ directories, scenarios() in test modules).
 */

export const DEFAULT_STEP_GLOBS = ["features/**/*.{ts,js,mjs,cjs,py}"];

export interface LoadedSuites {
  readonly suites: readonly StepSuite[];
  /** Every feature file parsed, in path order. */
  readonly features: readonly ParsedFeature[];
  readonly compiled: CompiledSteps;
  readonly problems: readonly ReaderProblem[];
  readonly cucumberConfig: CucumberConfig | null;
  /** Definitions behave refuses to register (AmbiguousStep): the run would not start. */
  readonly behaveLoadProblems: readonly BehaveLoadProblem[];
  /** Feature files that match the feature globs but no runner runs. */
  readonly unclaimed: readonly string[];
  /** Whether most cucumber-js handlers are arrow functions (snippet style). */
  readonly arrowHandlers: boolean;
}

export function globMatcher(globs: readonly string[]): (path: string) => boolean {
  const compiled = globs.map((glob) => new Minimatch(glob, { dot: true }));
  return (path) => compiled.some((glob) => glob.match(path));
}

/** Parses each feature file once per dialect, whichever suites use it. */
class FeatureCache {
  private readonly parsed = new Map<string, ParsedFeature>();
  private readonly files: ReadonlyMap<string, SnapshotFile>;

  constructor(files: ReadonlyMap<string, SnapshotFile>) {
    this.files = files;
  }

  get(path: string, behave = false): ParsedFeature | null {
    const key = `${behave ? "behave" : "gherkin"}\u0000${path}`;
    const cached = this.parsed.get(key);
    if (cached) return cached;
    const file = this.files.get(path);
    if (!file) return null;
    const feature = parseFeature(path, decodeText(file.content), { behave });
    this.parsed.set(key, feature);
    return feature;
  }

  /** Every parsed file once: as behave parsed it when a behave suite runs it. */
  all(): ParsedFeature[] {
    const byPath = new Map<string, ParsedFeature>();
    for (const [key, feature] of this.parsed) {
      if (key.startsWith("behave") || !byPath.has(feature.path)) byPath.set(feature.path, feature);
    }
    return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
}

function compiledIndex(
  definitions: readonly CompiledDefinition[],
): (raw: RawStepDefinition) => CompiledDefinition {
  const byRaw = new Map(definitions.map((definition) => [definition.raw, definition]));
  return (raw) => {
    const compiled = byRaw.get(raw);
    if (!compiled) throw new Error(`step definition ${raw.file}:${raw.line} was not compiled`);
    return compiled;
  };
}

function pythonSuite(
  suite: PythonSuite,
  compiledOf: (raw: RawStepDefinition) => CompiledDefinition,
): StepSuite {
  const definitions = suite.definitions.map(compiledOf);
  const closeness = suite.ranks
    ? new Map<number, FixtureRank>(
        definitions.flatMap((definition, index) => {
          const rank = suite.ranks?.[index];
          return rank ? [[definition.id, rank] as const] : [];
        }),
      )
    : undefined;
  return {
    runner: suite.runner,
    name: suite.name,
    scope: suite.scope,
    features: suite.features,
    definitions,
    ...(closeness ? { closeness } : {}),
    stepSources: suite.stepSources,
  };
}

export function loadSuites(sortedFiles: readonly SnapshotFile[], config: BdvConfig): LoadedSuites {
  const byPath = new Map(sortedFiles.map((file) => [file.path, file]));
  const read = (path: string) => {
    const file = byPath.get(path);
    return file ? decodeText(file.content) : undefined;
  };
  const cucumberConfig = readCucumberConfig(read);
  const featureGlobs = config.features ?? cucumberConfig?.paths ?? CUCUMBER_DEFAULT_FEATURES;
  const stepGlobs = config.steps ?? cucumberConfig?.support ?? DEFAULT_STEP_GLOBS;
  const isFeature = globMatcher(featureGlobs);
  const isStepFile = globMatcher(stepGlobs);
  const paths = sortedFiles.map((file) => file.path);
  const featurePaths = paths.filter(isFeature);
  const features = new FeatureCache(byPath);

  const javascript = loadJavaScriptSteps(
    paths.filter((path) => isStepFile(path) && !isFeature(path) && isJavaScriptStepFile(path)),
    sortedFiles,
  );
  const python = loadPythonSuites({
    files: sortedFiles,
    stepFilter: config.steps ? isStepFile : null,
    featureFilter: config.features ? isFeature : null,
    feature: (path, behave) => features.get(path, behave),
  });
  const raw = [...javascript.definitions];
  const seen = new Set(raw);
  for (const suite of python.suites) {
    for (const definition of suite.definitions) {
      if (seen.has(definition)) continue;
      seen.add(definition);
      raw.push(definition);
    }
  }
  const compiled = compileDefinitions({ definitions: raw, parameterTypes: javascript.parameterTypes });
  const compiledOf = compiledIndex(compiled.definitions);
  // A base directory or test module that runs no feature in scope loads nothing that could be "unused".
  const suites: StepSuite[] = python.suites
    .filter((suite) => suite.features.length > 0)
    .map((suite) => pythonSuite(suite, compiledOf));
  const unclaimed = featurePaths.filter((path) => !python.claimed.has(path));
  if (javascript.definitions.length > 0 || suites.length === 0) {
    suites.unshift({
      runner: "cucumber-js",
      name: "cucumber-js",
      scope: "",
      features: unclaimed.flatMap((path) => {
        const feature = features.get(path);
        return feature ? [{ feature, scenarioLines: null }] : [];
      }),
      definitions: javascript.definitions.map(compiledOf),
      stepSources: stepGlobs,
    });
  }
  const cucumberRuns = suites[0]?.runner === "cucumber-js";
  const refused = suites
    .filter((suite) => suite.runner === "behave")
    .flatMap((suite) => behaveLoadProblems(suite.definitions));
  for (const path of featurePaths) if (!python.claimed.has(path)) features.get(path);
  // behave never registers a refused definition: it is neither used nor unused.
  const refusedSet = new Set(refused.map((problem) => problem.definition));
  return {
    suites: suites.map((suite) =>
      suite.runner === "behave"
        ? { ...suite, definitions: suite.definitions.filter((definition) => !refusedSet.has(definition)) }
        : suite,
    ),
    features: features.all(),
    compiled,
    problems: [...javascript.problems, ...python.problems],
    cucumberConfig,
    behaveLoadProblems: refused,
    unclaimed: cucumberRuns ? [] : unclaimed,
    arrowHandlers: javascript.arrowHandlers * 2 > javascript.definitions.length,
  };
}
