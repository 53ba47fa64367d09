import type { PickleStep } from "@cucumber/messages";
import type { CompiledDefinition, CompiledSteps } from "../expressions.ts";
import { keywordAccepts, type StepType } from "../matching.ts";
import type { BdvReport } from "../report.ts";
import type { ResolvedStep, StepResolution } from "../resolution.ts";
import { type SnippetStyle, type StepArgumentKind, snippetFor } from "../snippets.ts";
import type { BehaveLoadProblem } from "../suites/behave.ts";
import type { StepSuite } from "../suites/model.ts";
import { type DefinitionLocation, definitionKey, pickleStepLocation } from "./locations.ts";

/**
 * Step checks on the runners' resolution (resolution.ts): undefined-step, ambiguous-step,
 * no-step-definitions (a suite whose sources yield no readable definition: one finding instead
 * of one per step), unused-step-definition, invalid-step-pattern.
 */

export interface StepCheckStats {
  readonly pickleSteps: number;
  readonly undefinedSteps: number;
  readonly ambiguousSteps: number;
}

export interface StepCheckContext {
  readonly compiled: CompiledSteps;
  /** behave registrations that raise AmbiguousStep (suites/behave.ts). */
  readonly behaveLoadProblems: readonly BehaveLoadProblem[];
  readonly suites: readonly StepSuite[];
  readonly resolution: StepResolution;
  readonly snippetStyle: (suite: StepSuite) => SnippetStyle;
  /** Step files with syntax errors: definitions may be missing, so undefined steps are warnings. */
  readonly incompleteStepFiles: readonly string[];
  /** False when some feature file does not parse: its steps are unknown, so nothing is "unused". */
  readonly reportUnused: boolean;
}

interface Occurrence {
  readonly first: ResolvedStep;
  readonly location: { readonly line: number; readonly column: number; readonly keyword: string };
  readonly argument: StepArgumentKind;
  readonly lines: Set<number>;
}

function argumentKind(step: PickleStep): StepArgumentKind {
  if (step.argument?.dataTable) return "dataTable";
  if (step.argument?.docString) return "docString";
  return null;
}

function describeDefinition(definition: CompiledDefinition): string {
  return `${definition.display} — ${definition.raw.file}:${definition.raw.line}`;
}

/** Suites that load no readable definition: their steps get one finding, not one each. */
function emptySuites(suites: readonly StepSuite[]): Set<StepSuite> {
  return new Set(
    suites.filter((suite) => !suite.definitions.some((definition) => definition.status === "ok")),
  );
}

export function checkSteps(context: StepCheckContext, report: BdvReport): StepCheckStats {
  const empty = emptySuites(context.suites);
  const problems = new Map<string, Occurrence>();
  for (const resolved of context.resolution.steps) {
    if (resolved.verdict === "bound" || empty.has(resolved.suite)) continue;
    const location = pickleStepLocation(resolved.feature, resolved.step);
    if (!location) continue;
    const key = `${resolved.verdict}\u0000${resolved.feature.path}\u0000${resolved.step.text}`;
    const existing = problems.get(key);
    if (existing) existing.lines.add(location.line);
    else
      problems.set(key, {
        first: resolved,
        location,
        argument: argumentKind(resolved.step),
        lines: new Set([location.line]),
      });
  }
  let undefinedSteps = 0;
  let ambiguousSteps = 0;
  for (const occurrence of problems.values()) {
    if (occurrence.first.verdict === "undefined") {
      undefinedSteps++;
      reportUndefined(occurrence, context, report);
    } else {
      ambiguousSteps++;
      reportAmbiguous(occurrence, report);
    }
  }
  for (const suite of empty) reportEmptySuite(suite, context.resolution, report);
  for (const problem of context.behaveLoadProblems) reportBehaveLoadProblem(problem, report);
  reportDefinitions(context, report);
  return { pickleSteps: context.resolution.steps.length, undefinedSteps, ambiguousSteps };
}

function alsoAt(occurrence: Occurrence): string {
  const elsewhere = [...occurrence.lines]
    .filter((line) => line !== occurrence.location.line)
    .sort((a, b) => a - b);
  return elsewhere.length > 0
    ? `\n\nAlso at line${elsewhere.length > 1 ? "s" : ""} ${elsewhere.join(", ")}.`
    : "";
}

function stepLabel(occurrence: Occurrence): string {
  return `${occurrence.location.keyword}${occurrence.first.step.text}`.trim();
}

function unresolvedFor(suite: StepSuite, stepType: StepType): CompiledDefinition[] {
  return suite.definitions.filter(
    (definition) => definition.status === "unresolved" && keywordAccepts(definition, stepType),
  );
}

function reportUndefined(occurrence: Occurrence, context: StepCheckContext, report: BdvReport): void {
  const { first } = occurrence;
  const unresolved = unresolvedFor(first.suite, first.stepType);
  const snippet = snippetFor(
    first.step.text,
    first.stepType,
    occurrence.argument,
    context.compiled.snippetRegistry,
    context.snippetStyle(first.suite),
  );
  const caveats: string[] = [];
  if (unresolved.length > 0) {
    caveats.push(
      `${unresolved.length} step definition${unresolved.length > 1 ? "s have patterns" : " has a pattern"} that cannot be read statically and might match:\n${unresolved.map(describeDefinition).join("\n")}`,
    );
  }
  if (context.incompleteStepFiles.length > 0) {
    caveats.push(
      `these step files do not parse, so their definitions may be missing:\n${context.incompleteStepFiles.join("\n")}`,
    );
  }
  const caveat = caveats.length > 0 ? `\n\nReported as a warning: ${caveats.join("\n\nAlso, ")}` : "";
  report.add({
    check: "undefined-step",
    severity: caveats.length > 0 ? "warning" : "error",
    file: first.feature.path,
    line: occurrence.location.line,
    column: occurrence.location.column,
    target: first.step.text,
    subject: first.step.text,
    message: `Undefined step "${stepLabel(occurrence)}": no step definition matches it.`,
    details: `Implement it with this snippet:\n\n${snippet}${caveat}${alsoAt(occurrence)}`,
  });
}

function reportAmbiguous(occurrence: Occurrence, report: BdvReport): void {
  const { first } = occurrence;
  report.add({
    check: "ambiguous-step",
    severity: "error",
    file: first.feature.path,
    line: occurrence.location.line,
    column: occurrence.location.column,
    target: first.step.text,
    subject: first.step.text,
    message: `Ambiguous step "${stepLabel(occurrence)}": ${first.matches.length} step definitions match it.`,
    details: `Multiple step definitions match:\n${first.matches.map(describeDefinition).join("\n")}${alsoAt(occurrence)}`,
  });
}

function reportEmptySuite(suite: StepSuite, resolution: StepResolution, report: BdvReport): void {
  const steps = resolution.steps.filter((resolved) => resolved.suite === suite);
  if (steps.length === 0) return;
  const files = [...new Set(steps.map((resolved) => resolved.feature.path))].sort();
  const unresolved = suite.definitions.filter((definition) => definition.status === "unresolved");
  const sources = suite.stepSources.length > 0 ? suite.stepSources.join(", ") : "(none)";
  const why =
    unresolved.length > 0
      ? `its ${unresolved.length} step definition${unresolved.length > 1 ? "s" : ""} cannot be read statically`
      : `no step definition was found in ${sources}`;
  report.add({
    check: "no-step-definitions",
    severity: "warning",
    file: null,
    line: null,
    target: suite.name,
    subject: suite.name,
    message: `${suite.name}: ${steps.length} step${steps.length > 1 ? "s" : ""} in ${files.length} feature file${files.length > 1 ? "s" : ""} cannot be checked: ${why}. Undefined steps are not reported one by one; set bdv.steps to the step definition files.`,
    details: [
      `Feature files: ${files.slice(0, 20).join(", ")}${files.length > 20 ? ", …" : ""}`,
      ...(unresolved.length > 0 ? ["Unreadable definitions:", ...unresolved.map(describeDefinition)] : []),
    ].join("\n"),
  });
}

/** behave raises AmbiguousStep while loading: the whole run fails before any scenario. */
function reportBehaveLoadProblem(problem: BehaveLoadProblem, report: BdvReport): void {
  const { definition, existing } = problem;
  const raw = definition.raw;
  report.addOnce({
    check: "ambiguous-step-definition",
    severity: "error",
    file: raw.file,
    line: raw.line,
    column: raw.column,
    target: definition.display,
    subject: `${raw.keyword} ${definition.display}`,
    message: `behave refuses to load the steps: @${raw.keyword}(${definition.display}) has already been defined by ${describeDefinition(existing)} (AmbiguousStep).`,
    details:
      "behave registers step definitions in order and raises AmbiguousStep when an earlier definition of the same step type matches the new pattern's text; no scenario runs.",
  });
}

function reportDefinitions(context: StepCheckContext, report: BdvReport): void {
  for (const problem of context.compiled.parameterTypeProblems) {
    const type = problem.parameterType;
    report.add({
      check: "invalid-step-pattern",
      severity: "error",
      file: type.file,
      line: type.line,
      column: type.column,
      target: `{${type.name}}`,
      subject: `parameter-type:${type.name}`,
      message: `Invalid parameter type {${type.name}}: ${problem.message}`,
    });
  }
  const keys = (definitions: ReadonlySet<CompiledDefinition>) =>
    new Set([...definitions].map((definition) => definitionKey(definition.raw)));
  const usedAt = keys(context.resolution.used);
  const loadedAt = keys(context.resolution.loaded);
  const done = new Set<string>();
  for (const definition of context.compiled.definitions) {
    const key = definitionKey(definition.raw);
    if (done.has(key)) continue;
    done.add(key);
    if (definition.status === "invalid") reportInvalid(definition, report);
    else if (definition.status === "unresolved") reportUnresolved(definition, report);
    else if (context.reportUnused && loadedAt.has(key) && !usedAt.has(key))
      reportUnused(definition.raw, definition.display, report);
  }
}

function reportInvalid(definition: CompiledDefinition, report: BdvReport): void {
  const raw = definition.raw;
  report.add({
    check: "invalid-step-pattern",
    severity: "error",
    file: raw.file,
    line: raw.line,
    column: raw.column,
    target: definition.display,
    subject: definition.display,
    message: `Invalid step pattern ${definition.display}: ${firstLine(definition.problem ?? "")}`,
    details: definition.problem ?? "",
  });
}

function reportUnresolved(definition: CompiledDefinition, report: BdvReport): void {
  const raw = definition.raw;
  report.notice({
    file: raw.file,
    line: raw.line,
    column: raw.column,
    kind: "bdv-unresolved-step-definition",
    message: `Step definition pattern ${definition.display} cannot be read statically (${definition.problem}); undefined steps are reported as warnings.`,
  });
}

function reportUnused(raw: DefinitionLocation, display: string, report: BdvReport): void {
  report.add({
    check: "unused-step-definition",
    severity: "info",
    file: raw.file,
    line: raw.line,
    column: raw.column,
    target: display,
    subject: display,
    message: `Step definition ${display} is not used by any scenario.`,
  });
}

/** Cucumber Expression errors span several lines (expression, caret, problem): keep column and problem. */
function firstLine(text: string): string {
  const lines = text.split("\n");
  const column = /^This Cucumber Expression has a problem at column (\d+):/.exec(lines[0] ?? "");
  const caret = lines.findIndex((line) => /^\s*\^/.test(line));
  if (column && caret >= 0) {
    const problem = lines
      .slice(caret + 1)
      .join(" ")
      .replace(/\s+/g, " ")
      .trim();
    return `at column ${column[1]}: ${problem}`;
  }
  return lines.find((line) => line.trim() !== "") ?? text;
}
