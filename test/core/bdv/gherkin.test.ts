import { describe, expect, it } from "vitest";
import { parseFeature } from "../../../src/core/bdv/gherkin.ts";
import { runBdv } from "../../../src/core/bdv/index.ts";
import type { Finding } from "../../../src/core/findings.ts";
import { bdvConfig, snapshotOf } from "./helpers.ts";

function brief(findings: readonly Finding[]) {
  return findings.map((finding) => [
    finding.type,
    finding.severity,
    finding.file,
    finding.line,
    finding.column,
  ]);
}

const STEPS = `import { Given } from "@cucumber/cucumber";\nGiven("a step", () => {});\n`;

describe("gherkin-parse-error", () => {
  it("reports every error of a file with its line and column, not only the first", () => {
    const result = runBdv({
      head: snapshotOf({
        "features/broken.feature":
          "Feature: A\n  Scenario: s\n    Given a step\n    | a | b |\n    | c |\n  Oops here\n  Scenario: t\n    Given a step\n",
        "features/language.feature": "# language: xx\nFeature: A\n",
        "features/steps/a.ts": STEPS,
      }),
      config: bdvConfig(),
    });
    expect(brief(result.findings)).toEqual([
      ["gherkin-parse-error", "error", "features/broken.feature", 5, 5],
      ["gherkin-parse-error", "error", "features/broken.feature", 6, 3],
      ["gherkin-parse-error", "error", "features/language.feature", 1, 1],
    ]);
    expect(result.findings.map((finding) => finding.message)).toEqual([
      "Gherkin syntax error: inconsistent cell count within the table",
      "Gherkin syntax error: expected: #EOF, #TableRow, #DocStringSeparator, #StepLine, #TagLine, #ExamplesLine, #ScenarioLine, #RuleLine, #Comment, #Empty, got 'Oops here'",
      "Gherkin syntax error: Language not supported: xx",
    ]);
    expect(result.summary.parseErrors).toBe(3);
  });

  it("parses all of Gherkin: tags, doc strings, data tables, Rule, several Examples, Markdown", () => {
    const feature = parseFeature(
      "features/all.feature",
      `@feature-tag
Feature: Everything
  Background:
    Given a step

  @rule-tag
  Rule: one rule
    @scenario-tag
    Scenario Outline: outline <x>
      Given a step
      And a doc string:
        """json
        {"x": "<x>"}
        """
      But a table:
        | <x> | b |

      @first
      Examples: first
        | x |
        | 1 |
        | 2 |
      @second
      Examples: second
        | x |
        | 3 |
`,
    );
    expect(feature.errors).toEqual([]);
    expect(feature.pickles.map((pickle) => [pickle.name, pickle.tags.map((tag) => tag.name)])).toEqual([
      ["outline 1", ["@feature-tag", "@rule-tag", "@scenario-tag", "@first"]],
      ["outline 2", ["@feature-tag", "@rule-tag", "@scenario-tag", "@first"]],
      ["outline 3", ["@feature-tag", "@rule-tag", "@scenario-tag", "@second"]],
    ]);
    const third = feature.pickles[2];
    expect(third?.steps.map((step) => [step.text, step.type])).toEqual([
      ["a step", "Context"],
      ["a step", "Context"],
      ["a doc string:", "Context"],
      ["a table:", "Context"],
    ]);
    expect(third?.steps[2]?.argument?.docString).toMatchObject({ content: '{"x": "3"}', mediaType: "json" });
    expect(third?.steps[3]?.argument?.dataTable?.rows[0]?.cells.map((cell) => cell.value)).toEqual([
      "3",
      "b",
    ]);
    expect(feature.tags.map((tag) => [tag.name, tag.line])).toEqual([
      ["@feature-tag", 1],
      ["@rule-tag", 6],
      ["@scenario-tag", 8],
      ["@first", 18],
      ["@second", 23],
    ]);
  });
});

describe("lint subset", () => {
  const files = {
    "features/lint.feature": `Feature: Lint
  Scenario: same name
    Given a step
  Scenario: same name
    Given a step
  Scenario: no steps
  Scenario Outline: no examples
    Given a step
  Scenario Outline: empty examples <x>
    Given a step
    Examples:
      | x |
`,
    "features/empty.feature": "Feature: Nothing yet\n  Just a description.\n",
    "features/blank.feature": "# only a comment\n",
    "features/steps/a.ts": STEPS,
  };

  it("warns about duplicate names, empty features, outlines without examples and scenarios without steps", () => {
    const result = runBdv({ head: snapshotOf(files), config: bdvConfig() });
    expect(
      result.findings.map((finding) => [
        finding.type,
        finding.severity,
        finding.file,
        finding.line,
        finding.target,
      ]),
    ).toEqual([
      ["empty-feature", "warning", "features/blank.feature", 1, null],
      ["empty-feature", "warning", "features/empty.feature", 1, "Nothing yet"],
      ["duplicate-scenario-name", "warning", "features/lint.feature", 4, "same name"],
      ["scenario-without-steps", "warning", "features/lint.feature", 6, "no steps"],
      ["outline-without-examples", "warning", "features/lint.feature", 7, "no examples"],
      ["outline-without-examples", "warning", "features/lint.feature", 9, "empty examples <x>"],
    ]);
  });

  it("can be turned off with bdv.lint: false", () => {
    const result = runBdv({ head: snapshotOf(files), config: bdvConfig({ lint: false }) });
    expect(result.findings).toEqual([]);
  });
});
