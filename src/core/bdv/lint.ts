import { isOutline, type ParsedFeature } from "./gherkin.ts";
import type { BdvReport } from "./report.ts";

/**
 * A gherkin-lint subset, as warnings, on the parsed AST: duplicate scenario names in a
 * feature, a feature without scenarios, an outline without examples, a scenario without steps.
 */
export function lintFeature(feature: ParsedFeature, report: BdvReport): void {
  const document = feature.document;
  if (!document) return;
  const path = feature.path;
  if (!document.feature || feature.scenarioList.length === 0) {
    const line = document.feature?.location.line ?? 1;
    report.add({
      check: "empty-feature",
      severity: "warning",
      file: path,
      line,
      column: document.feature?.location.column ?? 1,
      target: document.feature?.name ?? null,
      subject: "feature",
      message: document.feature
        ? `Feature "${document.feature.name}" has no scenarios.`
        : "This feature file has no Feature.",
    });
    return;
  }
  const seenNames = new Map<string, number>();
  for (const scenario of feature.scenarioList) {
    const where = { file: path, line: scenario.location.line, column: scenario.location.column ?? 1 };
    const name = scenario.name.trim();
    const firstLine = seenNames.get(name);
    if (name !== "" && firstLine !== undefined) {
      report.add({
        check: "duplicate-scenario-name",
        severity: "warning",
        ...where,
        target: name,
        subject: name,
        message: `Scenario name "${name}" is already used at line ${firstLine} of this feature.`,
      });
    } else if (name !== "") {
      seenNames.set(name, scenario.location.line);
    }
    const outline = isOutline(scenario, feature.dialect);
    const rows = scenario.examples.reduce((count, examples) => count + examples.tableBody.length, 0);
    if (outline && rows === 0) {
      report.add({
        check: "outline-without-examples",
        severity: "warning",
        ...where,
        target: name,
        subject: name,
        message: `Scenario Outline "${name}" has no Examples rows, so it never runs.`,
      });
    }
    if (scenario.steps.length === 0) {
      report.add({
        check: "scenario-without-steps",
        severity: "warning",
        ...where,
        target: name,
        subject: name,
        message: `Scenario "${name}" has no steps.`,
      });
    }
  }
}
