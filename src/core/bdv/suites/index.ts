import { Minimatch } from "minimatch";
import type { BdvConfig } from "../../config/schema.ts";
import type { SnapshotFile } from "../../snapshot.ts";
import { type CompiledDefinition, type CompiledSteps, compileDefinitions } from "../expressions.ts";
import { type ParsedFeature, parseFeature } from "../gherkin.ts";
import { decodeText } from "../source.ts";
import type { RawStepDefinition, ReaderProblem } from "../steps/model.ts";
import { CUCUMBER_DEFAULT_FEATURES, type CucumberConfig, readCucumberConfig } from "./cucumber-config.ts";
import { isJavaScriptStepFile, loadJavaScriptSteps } from "./javascript.ts";
import type { StepSuite } from "./model.ts";
import { loadPythonSuites, type PythonSuites } from "./python-legacy.ts";

/**
 * Reads a repository the way its runners load it and returns one suite per runner run
 * (suites/model.ts). Globs: `bdv.features` / `bdv.steps` when configured, else the default
 * profile of the cucumber-js config file, else `features/**`.
 */

export const DEFAULT_STEP_GLOBS = ["features/**/*.{ts,js,mjs,cjs,py}"];

export interface LoadedSuites {
  readonly suites: readonly StepSuite[];
  /** Every feature file parsed, in path order. */
  readonly features: readonly ParsedFeature[];
  readonly compiled: CompiledSteps;
  readonly problems: readonly ReaderProblem[];
  readonly cucumberConfig: CucumberConfig | null;
  readonly featureGlobs: readonly string[];
  readonly stepGlobs: readonly string[];
  /** Whether most cucumber-js handlers are arrow functions (snippet style). */
  readonly arrowHandlers: boolean;
}

export function globMatcher(globs: readonly string[]): (path: string) => boolean {
  const compiled = globs.map((glob) => new Minimatch(glob, { dot: true }));
  return (path) => compiled.some((glob) => glob.match(path));
}

/** Parses each feature file once, whichever suites use it. */
class FeatureCache {
  private readonly parsed = new Map<string, ParsedFeature>();
  private readonly files: ReadonlyMap<string, SnapshotFile>;

  constructor(files: ReadonlyMap<string, SnapshotFile>) {
    this.files = files;
  }

  get(path: string): ParsedFeature | null {
    const cached = this.parsed.get(path);
    if (cached) return cached;
    const file = this.files.get(path);
    if (!file) return null;
    const feature = parseFeature(path, decodeText(file.content));
    this.parsed.set(path, feature);
    return feature;
  }

  all(): ParsedFeature[] {
    return [...this.parsed.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
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
  const featurePaths = sortedFiles.map((file) => file.path).filter(isFeature);
  const stepPaths = sortedFiles
    .map((file) => file.path)
    .filter((path) => isStepFile(path) && !isFeature(path));

  const features = new FeatureCache(byPath);
  const javascript = loadJavaScriptSteps(stepPaths.filter(isJavaScriptStepFile), sortedFiles);
  const python = loadPythonSuites(
    stepPaths.filter((path) => path.endsWith(".py")),
    read,
    featurePaths,
    (path) => features.get(path),
  );
  const compiled = compileDefinitions({
    definitions: [...javascript.definitions, ...python.definitions],
    parameterTypes: javascript.parameterTypes,
    parseTypes: python.parseTypes,
  });
  const compiledOf = indexCompiled(compiled.definitions);
  const suites: StepSuite[] = python.suites.map((suite) => ({
    ...suite,
    definitions: suite.definitions.map(compiledOf),
  }));
  const cucumberFeatures = featurePaths.filter((path) => !python.claimed.has(path));
  if (javascript.definitions.length > 0 || suites.length === 0 || cucumberFeatures.length > 0) {
    if (javascript.definitions.length > 0 || python.definitions.length === 0) {
      suites.unshift({
        runner: "cucumber-js",
        name: "cucumber-js",
        scope: "",
        features: cucumberFeatures.flatMap((path) => {
          const feature = features.get(path);
          return feature ? [{ feature, scenarioLines: null }] : [];
        }),
        definitions: javascript.definitions.map(compiledOf),
        stepSources: stepGlobs,
      });
    }
  }
  for (const path of featurePaths) features.get(path);
  return {
    suites,
    features: features.all(),
    compiled,
    problems: [...javascript.problems, ...python.problems],
    cucumberConfig,
    featureGlobs,
    stepGlobs,
    arrowHandlers: javascript.arrowHandlers * 2 > javascript.definitions.length,
  };
}

function indexCompiled(
  definitions: readonly CompiledDefinition[],
): (raw: RawStepDefinition) => CompiledDefinition {
  const byRaw = new Map(definitions.map((definition) => [definition.raw, definition]));
  return (raw) => {
    const compiled = byRaw.get(raw);
    if (!compiled) throw new Error(`step definition ${raw.file}:${raw.line} was not compiled`);
    return compiled;
  };
}

export type { PythonSuites };
