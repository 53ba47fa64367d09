import type { PickleStep } from "@cucumber/messages";
import type { ParsedFeature } from "../gherkin.ts";

/** Where findings about pickle steps and step definitions are annotated. */

export interface DefinitionLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** One source location: a definition read once but registered by several suites is one definition. */
export function definitionKey(location: DefinitionLocation): string {
  return `${location.file}\u0000${location.line}\u0000${location.column}`;
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
