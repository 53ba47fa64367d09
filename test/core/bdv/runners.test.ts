import { describe, expect, it } from "vitest";
import { explainSteps, runBdv } from "../../../src/core/bdv/index.ts";
import { bdvConfig, bindings, brief, fixtureSnapshot } from "./helpers.ts";

/**
 * Each runner's own resolution, on real code shapes reduced from the accuracy suites (fixtures
 * under test/fixtures/bdv, source and licence in each SOURCE.md). The expected bindings are what
 * the runners themselves answered on these fixtures (cucumber-js 13.3 `--dry-run`, behave
 * 1.4.0.dev0's step registry, pytest-bdd 8.1 during `--collect-only`; see
 * scripts/accuracy/bdv-runners.ts for how).
 */

function explain(fixture: string, config: Record<string, unknown> = {}) {
  return explainSteps({ head: fixtureSnapshot(fixture), config: bdvConfig(config) });
}

function run(fixture: string, config: Record<string, unknown> = {}) {
  return runBdv({ head: fixtureSnapshot(fixture), config: bdvConfig(config) });
}

describe("cucumber-js", () => {
  it("takes the feature and support globs from the default profile of cucumber.json", () => {
    expect(bindings(explain("cucumber-config"))).toEqual([
      'specs/run.feature:3 a file named "cypress/e2e/a.feature" with: -> support/steps/cli_steps.ts:7',
      "specs/run.feature:7 I run cypress -> support/steps/cli_steps.ts:3",
      "specs/run.feature:8 it passes -> support/steps/cli_steps.ts:5",
      "specs/run.feature:9 it fails -> undefined",
    ]);
  });

  it("follows Given/When/Then re-exported by the package itself and by a project module", () => {
    const explained = explain("cucumber-reexport");
    expect(bindings(explained)).toEqual([
      'features/run.feature:3 a file named "features/a.feature" with: -> features/step_definitions/file_steps.ts:3',
      "features/run.feature:7 I run cucumber-js -> features/step_definitions/cli_steps.ts:3",
      "features/run.feature:8 it passes -> features/step_definitions/cli_steps.ts:5",
    ]);
    expect(brief(run("cucumber-reexport").findings)).toEqual([
      [
        "unused-step-definition",
        "info",
        "features/step_definitions/file_steps.ts",
        5,
        '"the output contains the text:"',
      ],
    ]);
  });

  it("reads cucumber-tsflow @binding classes: one registration per pattern, none outside a binding", () => {
    const config = { features: ["specs/features/**/*.feature"], steps: ["specs/src/**/*.ts"] };
    expect(bindings(explain("cucumber-tsflow", config))).toEqual([
      'specs/features/basic.feature:3 an empty file named "a.txt" -> specs/src/step_definitions/file_steps.ts:13',
      "specs/features/basic.feature:4 I run cucumber-js -> specs/src/step_definitions/cucumber_steps.ts:8",
      "specs/features/basic.feature:5 it passes -> specs/src/step_definitions/cucumber_steps.ts:13",
      "specs/features/basic.feature:6 it fails -> undefined",
      'specs/features/basic.feature:7 the output contains "1 scenario" -> specs/src/step_definitions/cucumber_steps.ts:16',
    ]);
    expect(
      brief(run("cucumber-tsflow", config).findings).filter(([type]) => type !== "undefined-step"),
    ).toEqual([
      [
        "unused-step-definition",
        "info",
        "specs/src/step_definitions/file_steps.ts",
        8,
        '"a file named {string} with:"',
      ],
    ]);
  });
});

describe("behave", () => {
  it("registers the steps of step libraries the step modules import", () => {
    expect(bindings(explain("behave-step-library"))).toEqual([
      "features features/run.feature:4 a new working directory -> features/steps/local_steps.py:4",
      'features features/run.feature:5 I run "echo hello" -> steplib/command_steps.py:7',
      'features features/run.feature:6 the command output should contain "hello" -> steplib/command_steps.py:12',
      'features features/run.feature:7 note that "the step library provides these steps" -> steplib/note_steps.py:4',
      'features features/run.feature:10 I run the command "true" -> undefined',
    ]);
    expect(brief(run("behave-step-library").findings)).toEqual([
      ["undefined-step", "error", "features/run.feature", 10, 'I run the command "true"'],
      [
        "unused-step-definition",
        "info",
        "steplib/command_steps.py",
        17,
        'parse:"the command returncode is \\"{outcome}\\""',
      ],
    ]);
  });

  it("uses environment.py's matcher, parse_type's TypeBuilder types and the Cucumber Expressions matcher", () => {
    expect(bindings(explain("behave-matchers"))).toEqual([
      "features features/matchers.feature:4 I buy 2 apples -> features/steps/step_choice.py:28",
      "features features/matchers.feature:5 I buy 1 wine -> undefined",
      "features features/matchers.feature:6 I meet Alice, Bob, Charly -> features/steps/step_choice.py:33",
      "features features/matchers.feature:7 I greet Alice and Bob -> features/steps/step_choice.py:38",
      "features features/matchers.feature:8 attacked by a samurai -> features/steps/step_choice.py:43",
      "features features/matchers.feature:9 attacked by Chuck Norris -> features/steps/step_choice.py:43",
      "features features/matchers.feature:10 the basket contains 2 items -> features/steps/step_choice.py:48",
      "features features/matchers.feature:13 I have 3 cucumbers in my belly -> features/steps/cucumber_expression_steps.py:7",
      "features features/matchers.feature:14 I have 1 cucumber in my belly -> features/steps/cucumber_expression_steps.py:7",
      "features features/matchers.feature:15 I am happy -> features/steps/cucumber_expression_steps.py:12",
      "features features/matchers.feature:16 I am very happy -> undefined",
    ]);
  });

  it("takes the first match of the step's type, then @step ones, without calling it ambiguous", () => {
    expect(bindings(explain("behave-first-match"))).toEqual([
      "features features/open.feature:4 I open the door -> features/steps/steps.py:19",
      "features features/open.feature:5 a 3 items list -> features/steps/steps.py:9",
      "features features/open.feature:6 a short items list -> features/steps/steps.py:14",
      "features features/open.feature:7 I open the window -> features/steps/steps.py:4",
    ]);
    expect(run("behave-first-match").findings).toEqual([]);
  });

  it("reports the registration behave refuses (AmbiguousStep) on the later definition", () => {
    const result = run("behave-ambiguous-registration");
    expect(brief(result.findings)).toEqual([
      ["ambiguous-step-definition", "error", "features/steps/steps.py", 9, 'parse:"I open the door"'],
    ]);
    expect(result.findings[0]?.message).toContain('"I open {url}" — features/steps/steps.py:4');
  });

  it("parses behave's dialect: ''' doc strings and step keywords in any case", () => {
    const result = run("behave-dialect");
    expect(result.findings).toEqual([]);
    expect(bindings(explain("behave-dialect"))).toEqual([
      "features features/dialect.feature:4 I am testing stuff -> features/steps/steps.py:4",
      "features features/dialect.feature:5 some stuff is set up -> features/steps/steps.py:9",
      'features features/dialect.feature:8 a file named "example.feature" with: -> features/steps/steps.py:14',
      "features features/dialect.feature:17 I run behave -> features/steps/steps.py:19",
      "features features/dialect.feature:18 it should pass -> features/steps/steps.py:24",
    ]);
  });

  it("keeps @cucumber/gherkin's strictness for files no behave suite runs", () => {
    const head = fixtureSnapshot("behave-dialect");
    const result = runBdv({
      head: { ...head, files: head.files.filter((file) => !file.path.endsWith(".py")) },
      config: bdvConfig(),
    });
    expect(result.findings.map((finding) => finding.type)).toContain("gherkin-parse-error");
  });
});

describe("pytest-bdd", () => {
  it("reads `import pytest_bdd as bdd` and `given as g`; the closest fixture wins; visibility is per module", () => {
    expect(bindings(explain("pytest-bdd-aliases", { steps: ["tests/**/*.py"] }))).toEqual([
      "tests/features/test_misc_bdd.py tests/features/misc.feature:4 3 tabs are open -> tests/features/test_misc_bdd.py:7",
      "tests/features/test_misc_bdd.py tests/features/misc.feature:5 I run :tab-only -> tests/features/conftest.py:14",
      "tests/features/test_misc_bdd.py tests/features/misc.feature:6 the page should be loaded -> undefined",
      "tests/features/test_misc_bdd.py tests/features/misc.feature:7 the javascript message should be logged -> tests/steps/common.py:4",
      'tests/features/test_misc_bdd.py tests/features/misc.feature:8 the warning "closing" should be shown -> tests/features/conftest.py:19',
      "tests/features/test_open_bdd.py tests/features/open.feature:4 I open about:blank -> tests/features/conftest.py:4",
      "tests/features/test_open_bdd.py tests/features/open.feature:5 I run :reload -> tests/features/test_open_bdd.py:6",
      "tests/features/test_open_bdd.py tests/features/open.feature:6 I open data/hello.txt -> tests/features/conftest.py:9",
      "tests/features/test_open_bdd.py tests/features/open.feature:7 the page should be loaded -> tests/features/test_open_bdd.py:11",
      'tests/features/test_open_bdd.py tests/features/open.feature:8 the message "loaded" should be shown -> tests/features/conftest.py:19',
    ]);
    // Without bdv.steps, conftest.py and test modules are found by pytest's conventions.
    expect(brief(run("pytest-bdd-aliases").findings)).toEqual([
      ["unused-step-definition", "info", "tests/features/conftest.py", 24, '"the page should be blank"'],
      ["undefined-step", "error", "tests/features/misc.feature", 6, "the page should be loaded"],
    ]);
  });
});

describe("a suite whose step sources yield no readable definition", () => {
  it("gets one finding instead of one undefined step per step", () => {
    const result = run("cucumber-config", { steps: ["nowhere/**/*.ts"] });
    expect(brief(result.findings)).toEqual([["no-step-definitions", "warning", null, null, "cucumber-js"]]);
    expect(result.findings[0]?.message).toContain("no step definition was found in nowhere/**/*.ts");
  });
});
