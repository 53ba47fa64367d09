import type { Pickle, PickleStep } from "@cucumber/messages";
import type { CompiledDefinition, CompiledSteps } from "../expressions.ts";
import type { ParsedFeature } from "../gherkin.ts";
import type { StepMatcher, StepType } from "../matching.ts";
import type { BdvReport } from "../report.ts";
import { type SnippetStyle, type StepArgumentKind, snippetFor } from "../snippets.ts";

/**
 * Step checks: every pickle step (Background prepended, one pickle per Examples row) against
 * the compiled step definitions — undefined-step, ambiguous-step, unused-step-definition,
 * invalid-step-pattern.
 */

export interface StepCheckStats {
  readonly pickleSteps: number;
  readonly undefinedSteps: number;
  readonly ambiguousSteps: number;
}

interface Occurrence {
  readonly feature: ParsedFeature;
  readonly line: number;
  readonly column: number;
  readonly keyword: string;
  readonly text: string;
  readonly stepType: StepType;
  readonly argument: StepArgumentKind;
  readonly matches: readonly CompiledDefinition[];
  readonly lines: Set<number>;
}

/** Where to annotate a pickle step: the Examples row when the row filled the step text, else the step. */
export function pickleStepLocation(
  feature: ParsedFeature,
  step: PickleStep,
): { line: number; column: number; keyword: string } | null {
  const astStep = feature.steps.get(step.astNodeIds[0] ?? "");
  if (!astStep) return null;
  const rowId = step.astNodeIds[1];
  const row = rowId ? feature.rows.get(rowId) : undefined;
  if (row && astStep.text !== step.text) {
    return { line: row.location.line, column: row.location.column ?? 1, keyword: astStep.keyword };
  }
  return { line: astStep.location.line, column: astStep.location.column ?? 1, keyword: astStep.keyword };
}

function argumentKind(step: PickleStep): StepArgumentKind {
  if (step.argument?.dataTable) return "dataTable";
  if (step.argument?.docString) return "docString";
  return null;
}

function describeDefinition(definition: CompiledDefinition): string {
  return `${definition.display} — ${definition.raw.file}:${definition.raw.line}`;
}

export function forEachPickleStep(
  features: readonly ParsedFeature[],
  visit: (feature: ParsedFeature, pickle: Pickle, step: PickleStep) => void,
): void {
  for (const feature of features) {
    for (const pickle of feature.pickles) for (const step of pickle.steps) visit(feature, pickle, step);
  }
}

export function checkSteps(
  features: readonly ParsedFeature[],
  compiled: CompiledSteps,
  matcher: StepMatcher,
  style: SnippetStyle,
  report: BdvReport,
  /** Step files with syntax errors: definitions may be missing, so undefined steps are warnings. */
  incompleteStepFiles: readonly string[] = [],
): StepCheckStats {
  const used = new Set<number>();
  const problems = new Map<string, Occurrence>();
  let pickleSteps = 0;
  forEachPickleStep(features, (feature, _pickle, step) => {
    pickleSteps++;
    const stepType = (step.type ?? "Unknown") as StepType;
    const matches = matcher.match(step.text, stepType);
    for (const match of matches) used.add(match.id);
    if (matches.length === 1) return;
    const location = pickleStepLocation(feature, step);
    if (!location) return;
    const key = `${matches.length === 0 ? "u" : "a"}\u0000${feature.path}\u0000${step.text}`;
    const existing = problems.get(key);
    if (existing) {
      existing.lines.add(location.line);
      return;
    }
    problems.set(key, {
      feature,
      ...location,
      text: step.text,
      stepType,
      argument: argumentKind(step),
      matches,
      lines: new Set([location.line]),
    });
  });
  let undefinedSteps = 0;
  let ambiguousSteps = 0;
  for (const occurrence of problems.values()) {
    const elsewhere = [...occurrence.lines].filter((line) => line !== occurrence.line).sort((a, b) => a - b);
    const alsoAt =
      elsewhere.length > 0
        ? `\n\nAlso at line${elsewhere.length > 1 ? "s" : ""} ${elsewhere.join(", ")}.`
        : "";
    const stepLabel = `${occurrence.keyword}${occurrence.text}`;
    if (occurrence.matches.length === 0) {
      undefinedSteps++;
      const unresolved = matcher.unresolvedFor(occurrence.stepType);
      const snippet = snippetFor(
        occurrence.text,
        occurrence.stepType,
        occurrence.argument,
        compiled.registry,
        style,
      );
      const caveats: string[] = [];
      if (unresolved.length > 0) {
        caveats.push(
          `${unresolved.length} step definition${unresolved.length > 1 ? "s have patterns" : " has a pattern"} that cannot be read statically and might match:\n${unresolved.map(describeDefinition).join("\n")}`,
        );
      }
      if (incompleteStepFiles.length > 0) {
        caveats.push(
          `these step files do not parse, so their definitions may be missing:\n${incompleteStepFiles.join("\n")}`,
        );
      }
      const caveat = caveats.length > 0 ? `\n\nReported as a warning: ${caveats.join("\n\nAlso, ")}` : "";
      report.add({
        check: "undefined-step",
        severity: caveats.length > 0 ? "warning" : "error",
        file: occurrence.feature.path,
        line: occurrence.line,
        column: occurrence.column,
        target: occurrence.text,
        subject: occurrence.text,
        message: `Undefined step "${stepLabel.trim()}": no step definition matches it.`,
        details: `Implement it with this snippet:\n\n${snippet}${caveat}${alsoAt}`,
      });
    } else {
      ambiguousSteps++;
      report.add({
        check: "ambiguous-step",
        severity: "error",
        file: occurrence.feature.path,
        line: occurrence.line,
        column: occurrence.column,
        target: occurrence.text,
        subject: occurrence.text,
        message: `Ambiguous step "${stepLabel.trim()}": ${occurrence.matches.length} step definitions match it.`,
        details: `Multiple step definitions match:\n${occurrence.matches.map(describeDefinition).join("\n")}${alsoAt}`,
      });
    }
  }
  reportDefinitions(features, compiled, used, report);
  return { pickleSteps, undefinedSteps, ambiguousSteps };
}

function reportDefinitions(
  features: readonly ParsedFeature[],
  compiled: CompiledSteps,
  used: ReadonlySet<number>,
  report: BdvReport,
): void {
  for (const problem of compiled.parameterTypeProblems) {
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
  const everyFeatureParsed = features.every((feature) => feature.errors.length === 0);
  for (const definition of compiled.definitions) {
    const raw = definition.raw;
    if (definition.status === "invalid") {
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
    } else if (definition.status === "unresolved") {
      report.notice({
        file: raw.file,
        line: raw.line,
        column: raw.column,
        kind: "bdv-unresolved-step-definition",
        message: `Step definition pattern ${definition.display} cannot be read statically (${definition.problem}); undefined steps are reported as warnings.`,
      });
    } else if (!used.has(definition.id) && everyFeatureParsed) {
      report.add({
        check: "unused-step-definition",
        severity: "info",
        file: raw.file,
        line: raw.line,
        column: raw.column,
        target: definition.display,
        subject: definition.display,
        message: `Step definition ${definition.display} is not used by any scenario.`,
      });
    }
  }
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
