import type { CompiledDefinition } from "../expressions.ts";
import type { ParsedFeature } from "../gherkin.ts";
import type { StepFramework } from "../steps/model.ts";

/**
 * A suite is what one runner run sees: the feature files (or scenarios) it runs and the step
 * definitions visible to them, in the order the runner registers them. cucumber-js has one
 * suite for the repository; behave one per base directory (the directory holding `steps/`);
 * pytest-bdd one per test module that binds scenarios.
 */
export interface StepSuite {
  readonly runner: StepFramework;
  /** Human-readable: "cucumber-js", "behave features/", "pytest-bdd tests/test_login.py". */
  readonly name: string;
  /** What scopes it: "" for cucumber-js, the base directory (behave), the test module (pytest-bdd). */
  readonly scope: string;
  readonly features: readonly SuiteFeature[];
  /** Visible definitions in registration order. */
  readonly definitions: readonly CompiledDefinition[];
  /**
   * pytest-bdd: how close each definition's fixture is to the test item (higher wins), and its
   * fixture order for ties. Absent for the other runners.
   */
  readonly closeness?: ReadonlyMap<number, FixtureRank>;
  /** The configured or discovered step globs, for the "no definitions" message. */
  readonly stepSources: readonly string[];
}

export interface FixtureRank {
  /** Depth of the fixture's node: plugin 0, conftest of directory d = segments(d) + 1, module deeper. */
  readonly depth: number;
  /** pytest's fixture registration order (first registration of the fixture name, then within it). */
  readonly order: number;
}

export interface SuiteFeature {
  readonly feature: ParsedFeature;
  /** Only these scenarios (by line) run in this suite; null: all of them. */
  readonly scenarioLines: ReadonlySet<number> | null;
}
