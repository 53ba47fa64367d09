import { describe, expect, it } from "vitest";
import { runBdv } from "../../../src/core/bdv/index.ts";
import { bdvConfig, brief, snapshotOf } from "./helpers.ts";

function run(files: Record<string, string>, config: Record<string, unknown> = {}) {
  return runBdv({ head: snapshotOf(files), config: bdvConfig(config) });
}

const CART_FEATURE = `Feature: Cart
  Background:
    Given I am logged in

  Scenario Outline: many apples
    When I add <count> apples
    Then the total is <price>

    Examples: small
      | count | price |
      | 1     | 0.50  |
    Examples: odd
      | count | price |
      | two   | 1.00  |

  Rule: totals are shown
    Background:
      Given an empty cart

    Scenario: adding apples
      When I add 3 apples
      * the cart shows 3 items
`;

const CART_STEPS = `import { Given as G, When } from "@cucumber/cucumber";
import * as cucumber from "@cucumber/cucumber";
const { Then } = require("@cucumber/cucumber");

G("I am logged in", function () {});
G(\`an empty cart\`, function () {});
When("I add {int} apple(s)", function (count) {});
cucumber.Then(/^the cart shows (\\d+) items?$/, function (count) {});
Then(new RegExp("^the total is ([\\\\d.]+)$"), function (total) {});
When("I remove everything", function () {});
`;

describe("step checks on a cucumber-js project", () => {
  it("matches Background, Rule Background, * steps and every Examples row; reports the rest exactly", () => {
    const result = run({ "features/cart.feature": CART_FEATURE, "features/support/steps.ts": CART_STEPS });
    expect(brief(result.findings)).toEqual([
      ["undefined-step", "error", "features/cart.feature", 14, "I add two apples"],
      ["unused-step-definition", "info", "features/support/steps.ts", 10, '"I remove everything"'],
    ]);
    expect(result.summary).toMatchObject({
      features: 1,
      scenarios: 2,
      pickles: 3,
      // each outline row: feature background + 2 steps; adding apples: 2 backgrounds + 2 steps
      steps: 4 + 3 + 3,
      stepDefinitions: 6,
      undefinedSteps: 1,
      ambiguousSteps: 0,
    });
    const [undefinedStep] = result.findings;
    expect(undefinedStep?.column).toBe(7);
    expect(undefinedStep?.details).toContain('When("I add two apples", function () {');
  });

  it("reports an ambiguous step with every candidate instead of letting the first match win", () => {
    const result = run({
      "features/a.feature": "Feature: A\n  Scenario: s\n    Given a step with two definitions\n",
      "features/steps/a.js": `const { Given } = require("@cucumber/cucumber");
Given(/^a (.*?) with (.*?)$/, () => {});
Given("a step with {word} definitions", () => {});
`,
    });
    // cucumber-js's usage: a definition reached only through an ambiguous match is not used.
    expect(brief(result.findings)).toEqual([
      ["ambiguous-step", "error", "features/a.feature", 3, "a step with two definitions"],
      ["unused-step-definition", "info", "features/steps/a.js", 2, "/^a (.*?) with (.*?)$/"],
      ["unused-step-definition", "info", "features/steps/a.js", 3, '"a step with {word} definitions"'],
    ]);
    expect(result.findings[0]?.details).toBe(
      [
        "Multiple step definitions match:",
        "/^a (.*?) with (.*?)$/ — features/steps/a.js:2",
        '"a step with {word} definitions" — features/steps/a.js:3',
      ].join("\n"),
    );
  });

  it("ignores the keyword for cucumber-js: Given X and Then X collide", () => {
    const result = run({
      "features/a.feature": "Feature: A\n  Scenario: s\n    Then it works\n",
      "features/steps/a.ts": `import { Given, Then } from "@cucumber/cucumber";
Given("it works", () => {});
Then("it works", () => {});
`,
    });
    expect(brief(result.findings)).toEqual([
      ["ambiguous-step", "error", "features/a.feature", 3, "it works"],
      ["unused-step-definition", "info", "features/steps/a.ts", 2, '"it works"'],
      ["unused-step-definition", "info", "features/steps/a.ts", 3, '"it works"'],
    ]);
  });

  it("reports invalid patterns and invalid parameter types on their definition line", () => {
    const result = run({
      "features/a.feature": "Feature: A\n  Scenario: s\n    Given LHR-CDG has been delayed\n",
      "features/steps/a.ts": `import { Given, defineParameterType } from "@cucumber/cucumber";
defineParameterType({ name: "flight", regexp: /([A-Z]{3})-([A-Z]{3})/, transformer: (a, b) => [a, b] });
defineParameterType({ name: "bad(name)", regexp: /x/ });
Given("{flight} has been delayed", (flight) => {});
Given("{airport} is closed", (airport) => {});
Given("a {int", () => {});
Given(/unclosed (group/, () => {});
`,
    });
    expect(brief(result.findings)).toEqual([
      ["invalid-step-pattern", "error", "features/steps/a.ts", 3, "{bad(name)}"],
      ["invalid-step-pattern", "error", "features/steps/a.ts", 5, '"{airport} is closed"'],
      ["invalid-step-pattern", "error", "features/steps/a.ts", 6, '"a {int"'],
      ["invalid-step-pattern", "error", "features/steps/a.ts", 7, "/unclosed (group/"],
    ]);
    expect(result.findings[1]?.message).toContain("Undefined parameter type 'airport'");
  });

  it("downgrades undefined steps to warnings when a pattern cannot be read statically, with a notice", () => {
    const result = run({
      "features/a.feature":
        "Feature: A\n  Scenario: s\n    Given something dynamic\n    Given a fixed step\n",
      "features/steps/a.ts": `import { Given } from "@cucumber/cucumber";
const prefix = "something";
Given(prefix + " dynamic", () => {});
Given(\`\${prefix} else\`, () => {});
Given("a fixed step", () => {});
`,
    });
    expect(brief(result.findings)).toEqual([
      ["undefined-step", "warning", "features/a.feature", 3, "something dynamic"],
    ]);
    expect(result.notices.map((notice) => [notice.kind, notice.file, notice.line])).toEqual([
      ["bdv-unresolved-step-definition", "features/steps/a.ts", 3],
      ["bdv-unresolved-step-definition", "features/steps/a.ts", 4],
    ]);
    expect(result.summary.unresolvedStepDefinitions).toBe(2);
  });

  it("reads other spoken languages and follows wrapper modules (createBdd, local re-exports)", () => {
    const result = run({
      "features/fr.feature": `# language: fr
Fonctionnalité: Panier
  Scénario: ajout
    Soit un panier vide
    Quand j'ajoute 2 pommes
    Alors le panier contient 2 articles
`,
      "features/steps/bdd.ts": `import { createBdd } from "playwright-bdd";
export const { Given, When, Then } = createBdd();
Given("un panier vide", async () => {});
`,
      "features/steps/more.ts": `import { When, Then as Alors } from "./bdd";
When("j'ajoute {int} pommes", async ({}, n) => {});
Alors("le panier contient {int} articles", async ({}, n) => {});
`,
    });
    expect(result.findings).toEqual([]);
    expect(result.summary).toMatchObject({ steps: 3, stepDefinitions: 3 });
  });

  it("does not report unused definitions while some feature file does not parse", () => {
    const result = run({
      "features/broken.feature": "Feature: B\n  Scenario: s\n    Given a\n  Oops: not gherkin\n",
      "features/steps/a.ts": `import { Given } from "@cucumber/cucumber";\nGiven("never used", () => {});\n`,
    });
    expect(result.findings.map((finding) => finding.type)).toEqual(["gherkin-parse-error"]);
    expect(result.notices.map((notice) => notice.kind)).toContain("bdv-unused-skipped");
  });

  it("keeps finding ids stable when lines move, and distinct per subject", () => {
    const steps = `import { Given } from "@cucumber/cucumber";\nGiven("used", () => {});\n`;
    const before = run({
      "features/a.feature": "Feature: A\n  Scenario: s\n    Given missing one\n",
      "features/steps/a.ts": steps,
    });
    const after = run({
      "features/a.feature":
        "Feature: A\n\n  # moved down\n  Scenario: s\n    Given missing one\n    Given missing two\n",
      "features/steps/a.ts": steps,
    });
    const undefinedIds = (result: typeof before) =>
      result.findings.filter((finding) => finding.type === "undefined-step").map((finding) => finding.id);
    const [beforeId] = undefinedIds(before);
    expect(undefinedIds(after)[0]).toBe(beforeId);
    expect(new Set(undefinedIds(after)).size).toBe(2);
    expect(after.findings.find((finding) => finding.id === beforeId)?.line).toBe(5);
  });

  it("reports one undefined-step per feature and text, listing the other lines", () => {
    const result = run({
      "features/a.feature":
        "Feature: A\n  Scenario: one\n    Given nothing here\n  Scenario: two\n    Given nothing here\n    Given a step\n",
      "features/steps/a.ts": `import { Given } from "@cucumber/cucumber";\nGiven("a step", () => {});\n`,
    });
    expect(brief(result.findings)).toEqual([
      ["undefined-step", "error", "features/a.feature", 3, "nothing here"],
    ]);
    expect(result.findings[0]?.details).toContain("Also at line 5.");
  });
});

describe("step files that do not parse", () => {
  it("downgrades undefined steps to warnings and leaves a notice naming the file and line", () => {
    const result = run({
      "features/a.feature": "Feature: A\n  Scenario: s\n    Given it works\n    Given a step\n",
      "features/steps/a.ts": `import { Given } from "@cucumber/cucumber";\nGiven("it works", () => {});\nconst broken = ;\n`,
      "features/steps/b.ts": `import { Given } from "@cucumber/cucumber";\nGiven("a step", () => {});\n`,
    });
    // oxc gives no program for a file with a syntax error, so "it works" looks undefined: only a warning.
    expect(brief(result.findings)).toEqual([
      ["undefined-step", "warning", "features/a.feature", 3, "it works"],
    ]);
    expect(result.findings[0]?.details).toContain(
      "these step files do not parse, so their definitions may be missing:\nfeatures/steps/a.ts",
    );
    expect(result.notices.map((notice) => [notice.kind, notice.file, notice.line])).toEqual([
      ["bdv-step-file-syntax", "features/steps/a.ts", 3],
    ]);
  });
});

describe("snippets follow the project's style", () => {
  it("uses arrow functions when the existing definitions do, and names the data table argument", () => {
    const result = run({
      "features/a.feature":
        "Feature: A\n  Scenario: s\n    Given these 2 users:\n      | name |\n      | ann  |\n",
      "features/steps/a.ts": `import { Given } from "@cucumber/cucumber";\nGiven("one", () => {});\nGiven("two", async () => {});\n`,
    });
    const undefinedStep = result.findings.find((finding) => finding.type === "undefined-step");
    expect(undefinedStep?.details).toContain('Given("these {int} users:", (int, dataTable) => {');
  });
});
