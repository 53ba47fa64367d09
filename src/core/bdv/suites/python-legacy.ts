import type { ParsedFeature } from "../gherkin.ts";
import type { RawParseType, RawStepDefinition, ReaderProblem, StepFramework } from "../steps/model.ts";
import { readPythonSteps } from "../steps/python.ts";
import type { FixtureRank, SuiteFeature } from "./model.ts";

/** Python suites before their definitions are compiled. */
export interface PythonSuite {
  readonly runner: StepFramework;
  readonly name: string;
  readonly scope: string;
  readonly features: readonly SuiteFeature[];
  readonly definitions: readonly RawStepDefinition[];
  readonly closeness?: ReadonlyMap<number, FixtureRank>;
  readonly stepSources: readonly string[];
}

export interface PythonSuites {
  readonly definitions: readonly RawStepDefinition[];
  readonly parseTypes: readonly RawParseType[];
  readonly suites: readonly PythonSuite[];
  /** Feature files some Python suite runs. */
  readonly claimed: ReadonlySet<string>;
  readonly problems: readonly ReaderProblem[];
}

function dirname(path: string): string {
  return path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "";
}

function behaveBase(file: string): string {
  const dir = dirname(file);
  return dir === "steps" ? "" : dir.endsWith("/steps") ? dir.slice(0, -"/steps".length) : dir;
}

function under(path: string, dir: string): boolean {
  return dir === "" || path.startsWith(`${dir}/`);
}

export function loadPythonSuites(
  files: readonly string[],
  read: (path: string) => string | undefined,
  featurePaths: readonly string[],
  feature: (path: string) => ParsedFeature | null,
): PythonSuites {
  const definitions: RawStepDefinition[] = [];
  const parseTypes: RawParseType[] = [];
  const problems: ReaderProblem[] = [];
  const behave = new Map<string, RawStepDefinition[]>();
  const pytest: RawStepDefinition[] = [];
  for (const file of files) {
    const text = read(file);
    if (text === undefined) continue;
    let result: ReturnType<typeof readPythonSteps>;
    try {
      result = readPythonSteps(file, text);
    } catch (error) {
      problems.push({
        file,
        line: 1,
        column: 1,
        message: error instanceof Error ? error.message : String(error),
      });
      continue;
    }
    definitions.push(...result.definitions);
    parseTypes.push(...result.parseTypes);
    problems.push(...result.problems);
    for (const definition of result.definitions) {
      if (definition.framework === "pytest-bdd") pytest.push(definition);
      else {
        const base = behaveBase(file);
        behave.set(base, [...(behave.get(base) ?? []), definition]);
      }
    }
  }
  const claimed = new Set<string>();
  const suites: PythonSuite[] = [];
  const featuresUnder = (dir: string): SuiteFeature[] =>
    featurePaths.flatMap((path) => {
      const parsed = under(path, dir) ? feature(path) : null;
      if (!parsed) return [];
      claimed.add(path);
      return [{ feature: parsed, scenarioLines: null }];
    });
  for (const [base, list] of [...behave].sort(([a], [b]) => b.length - a.length)) {
    suites.push({
      runner: "behave",
      name: `behave ${base === "" ? "." : base}/`,
      scope: base,
      features: featuresUnder(base).filter(
        (entry) => !suites.some((suite) => suite.features.some((other) => other.feature === entry.feature)),
      ),
      definitions: list,
      stepSources: [`${base === "" ? "" : `${base}/`}steps/*.py`],
    });
  }
  if (pytest.length > 0) {
    const closeness = new Map<number, FixtureRank>();
    suites.push({
      runner: "pytest-bdd",
      name: "pytest-bdd",
      scope: "",
      features: featurePaths
        .filter((path) => !claimed.has(path))
        .flatMap((path) => {
          const parsed = feature(path);
          if (!parsed) return [];
          claimed.add(path);
          return [{ feature: parsed, scenarioLines: null }];
        }),
      definitions: pytest,
      closeness,
      stepSources: [],
    });
  }
  return { definitions, parseTypes, suites, claimed, problems };
}
