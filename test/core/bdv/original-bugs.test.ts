import { describe, expect, it } from "vitest";
import { runBdv } from "../../../src/core/bdv/index.ts";
import { bdvConfig, snapshotOf } from "./helpers.ts";

/**
 * The original system's verified BDV bugs (docs/design.md, "The original system"), each pinned:
 * Rule: and `*` steps were dropped, the first registered step won silently, "007" became 7,
 * and a commented-out @contract tag counted.
 */
describe("bugs of the original system, fixed", () => {
  const steps = `import { Given } from "@cucumber/cucumber";\nGiven("a rule step", () => {});\n`;

  it("does not drop Rule: blocks or * steps: their steps are checked", () => {
    const result = runBdv({
      head: snapshotOf({
        "features/a.feature":
          "Feature: A\n  Rule: r\n    Scenario: s\n      * a rule step\n      * a step nobody defined\n",
        "features/steps/a.ts": steps,
      }),
      config: bdvConfig(),
    });
    expect(result.summary.steps).toBe(2);
    expect(result.findings.map((finding) => [finding.type, finding.line, finding.target])).toEqual([
      ["undefined-step", 5, "a step nobody defined"],
    ]);
  });

  it("reports two matching definitions as ambiguous instead of taking the first", () => {
    const result = runBdv({
      head: snapshotOf({
        "features/a.feature": "Feature: A\n  Scenario: s\n    Given the user 7 exists\n",
        "features/steps/a.ts": `import { Given } from "@cucumber/cucumber";\nGiven("the user {int} exists", () => {});\nGiven("the user {word} exists", () => {});\n`,
      }),
      config: bdvConfig(),
    });
    expect(result.findings.map((finding) => [finding.type, finding.severity])).toEqual([
      ["ambiguous-step", "error"],
    ]);
  });

  it('keeps "007" as written: a quoted value is a {string}, a path keeps its leading zeros', () => {
    const result = runBdv({
      head: snapshotOf({
        "api/agents.yaml":
          'openapi: 3.0.0\ninfo: {title: a, version: 1.0.0}\npaths:\n  /agents/{code}:\n    get:\n      responses:\n        "200": {description: ok}\n',
        "features/a.feature":
          'Feature: A\n  Scenario: s\n    Given the agent code "007"\n    When I send GET to "/agents/007/missions"\n',
      }),
      config: bdvConfig({ contracts: [{ name: "agents", spec: "api/agents.yaml" }] }),
    });
    const byTarget = new Map(result.findings.map((finding) => [finding.target, finding]));
    expect(byTarget.get('the agent code "007"')?.details).toContain(
      'Given("the agent code {string}", function (string) {',
    );
    expect(byTarget.get("GET /agents/007/missions")?.type).toBe("unknown-operation");
  });

  it("ignores a commented-out @contract tag; only real tags are compared", () => {
    const result = runBdv({
      head: snapshotOf({
        "api/users.yaml": "openapi: 3.0.0\ninfo: {title: u, version: 1.0.0}\npaths: {}\n",
        "features/a.feature":
          "# @contract:users:v2\n@contract:users:v1\nFeature: A\n  Scenario: s\n    Given a rule step\n",
        "features/steps/a.ts": steps,
      }),
      config: bdvConfig({ contracts: [{ name: "users", spec: "api/users.yaml" }] }),
    });
    expect(result.findings).toEqual([]);
  });
});
