import type { Pickle, PickleStep } from "@cucumber/messages";
import type { CompiledDefinition } from "./expressions.ts";
import type { ParsedFeature } from "./gherkin.ts";
import { StepMatcher, type StepType } from "./matching.ts";
import type { StepFramework } from "./steps/model.ts";
import type { StepSuite } from "./suites/model.ts";

/**
 * Which definition each pickle step runs, decided the way the suite's runner decides it:
 * - cucumber-js: every definition whose pattern matches, keyword ignored; two or more is ambiguous.
 * - behave: definitions of the step's type in registration order, then `@step` ones; the first
 *   match wins (behave refuses overlapping registrations at load time instead, see behave-load).
 * - pytest-bdd: the matching step fixture closest to the test item wins (test module over
 *   conftest, nearer conftest over farther, plugins last), ties by pytest's fixture order.
 */

export type StepVerdict = "bound" | "undefined" | "ambiguous";

export interface ResolvedStep {
  readonly suite: StepSuite;
  readonly feature: ParsedFeature;
  readonly pickle: Pickle;
  readonly step: PickleStep;
  /** The step type the runner matches with (And/But and `*` inherit for behave and pytest-bdd). */
  readonly stepType: StepType;
  /** Every visible definition that matches, in definition order. */
  readonly matches: readonly CompiledDefinition[];
  readonly chosen: CompiledDefinition | null;
  readonly verdict: StepVerdict;
}

export interface StepResolution {
  readonly steps: readonly ResolvedStep[];
  /** Definitions some suite loads. */
  readonly loaded: ReadonlySet<CompiledDefinition>;
  /** Definitions some step is bound to (cucumber-js: never through an ambiguous match). */
  readonly used: ReadonlySet<CompiledDefinition>;
}

const KEYWORD_TYPES: Record<string, StepType> = {
  Context: "Context",
  Action: "Action",
  Outcome: "Outcome",
};

/** Step types as the runner assigns them: cucumber-js keeps the pickle's; behave and pytest-bdd inherit. */
export function runnerStepTypes(feature: ParsedFeature, pickle: Pickle, runner: StepFramework): StepType[] {
  if (runner === "cucumber-js") return pickle.steps.map((step) => (step.type ?? "Unknown") as StepType);
  let previous: StepType = "Unknown";
  return pickle.steps.map((step) => {
    const keywordType = feature.steps.get(step.astNodeIds[0] ?? "")?.keywordType ?? "";
    const own = KEYWORD_TYPES[keywordType];
    if (own) previous = own;
    return previous;
  });
}

function choose(
  suite: StepSuite,
  matches: readonly CompiledDefinition[],
  order: ReadonlyMap<CompiledDefinition, number>,
): { chosen: CompiledDefinition | null; verdict: StepVerdict } {
  if (matches.length === 0) return { chosen: null, verdict: "undefined" };
  if (suite.runner === "cucumber-js") {
    return matches.length === 1
      ? { chosen: matches[0] ?? null, verdict: "bound" }
      : { chosen: null, verdict: "ambiguous" };
  }
  let best: CompiledDefinition | null = null;
  for (const candidate of matches) {
    if (!best || prefer(suite, candidate, best, order)) best = candidate;
  }
  return { chosen: best, verdict: "bound" };
}

/** Whether the runner picks `candidate` over `current`. */
function prefer(
  suite: StepSuite,
  candidate: CompiledDefinition,
  current: CompiledDefinition,
  order: ReadonlyMap<CompiledDefinition, number>,
): boolean {
  if (suite.runner === "pytest-bdd") {
    const a = suite.closeness?.get(candidate.id);
    const b = suite.closeness?.get(current.id);
    if (!a || !b) return false;
    return a.depth !== b.depth ? a.depth > b.depth : a.order > b.order;
  }
  // behave: the step type's own list first, then the generic `@step` list, each in registration order.
  const genericA = candidate.raw.keyword === "step" ? 1 : 0;
  const genericB = current.raw.keyword === "step" ? 1 : 0;
  if (genericA !== genericB) return genericA < genericB;
  return (order.get(candidate) ?? 0) < (order.get(current) ?? 0);
}

function scenarioLine(feature: ParsedFeature, pickle: Pickle): number | null {
  return feature.scenarios.get(pickle.astNodeIds[0] ?? "")?.location.line ?? null;
}

export function resolveSuites(suites: readonly StepSuite[]): StepResolution {
  const steps: ResolvedStep[] = [];
  const loaded = new Set<CompiledDefinition>();
  const used = new Set<CompiledDefinition>();
  for (const suite of suites) {
    const order = new Map(suite.definitions.map((definition, index) => [definition, index]));
    for (const definition of suite.definitions) loaded.add(definition);
    const matcher = new StepMatcher(suite.definitions);
    for (const { feature, scenarioLines } of suite.features) {
      for (const pickle of feature.pickles) {
        if (scenarioLines && !scenarioLines.has(scenarioLine(feature, pickle) ?? -1)) continue;
        const types = runnerStepTypes(feature, pickle, suite.runner);
        pickle.steps.forEach((step, index) => {
          const stepType = types[index] ?? "Unknown";
          const matches = matcher.match(step.text, stepType);
          const { chosen, verdict } = choose(suite, matches, order);
          if (chosen) used.add(chosen);
          steps.push({ suite, feature, pickle, step, stepType, matches, chosen, verdict });
        });
      }
    }
  }
  return { steps, loaded, used };
}
