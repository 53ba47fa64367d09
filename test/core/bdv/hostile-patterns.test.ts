import { describe, expect, it } from "vitest";
import { runBdv } from "../../../src/core/bdv/index.ts";
import { bdvConfig, snapshotOf } from "./helpers.ts";

/**
 * Step patterns come from the pull request. With a backtracking engine, `/^(a+)+$/` against 29
 * "a"s and a "!" takes about 33 s; BDV matches analysed patterns on the linear-time engine
 * (src/core/regex), so these finish at once and agree with what the runners decide (no match).
 * vitest's 5 s timeout would fail a regression.
 */

const EVIL_TEXT = `${"a".repeat(29)}!`;
const FEATURE = `Feature: F\n  Scenario: s\n    Given ${EVIL_TEXT}\n    Given the value ${EVIL_TEXT}\n`;

function undefinedTargets(files: Record<string, string>): string[] {
  const result = runBdv({
    head: snapshotOf({ "features/a.feature": FEATURE, ...files }),
    config: bdvConfig(),
  });
  return result.findings
    .filter((finding) => finding.type === "undefined-step")
    .map((finding) => finding.target ?? "");
}

describe("patterns from analysed code run in linear time", () => {
  it("a cucumber-js regular expression step definition", () => {
    expect(
      undefinedTargets({
        "features/steps/a.js": `const { Given } = require("@cucumber/cucumber");\nGiven(/^(a+)+$/, () => {});\nGiven(/^the value (a+)+$/, () => {});\n`,
      }),
    ).toEqual([EVIL_TEXT, `the value ${EVIL_TEXT}`]);
  });

  it("a custom parameter type inside a Cucumber Expression (and no snippet runs it)", () => {
    expect(
      undefinedTargets({
        "features/steps/a.js": `const { Given, defineParameterType } = require("@cucumber/cucumber");
defineParameterType({ name: "evil", regexp: /(a+)+/ });
Given("the value {evil}", () => {});
Given("{evil}", () => {});
`,
      }),
    ).toEqual([EVIL_TEXT, `the value ${EVIL_TEXT}`]);
  });

  it("behave's re matcher and a parse type with a hostile pattern", () => {
    expect(
      undefinedTargets({
        "features/steps/a.py": `from behave import given, use_step_matcher, register_type
import parse

@parse.with_pattern(r"(a+)+")
def parse_evil(text):
    return text

register_type(Evil=parse_evil)

@given("the value {value:Evil}")
def step_value(context, value):
    pass

use_step_matcher("re")

@given(r"(a+)+")
def step_evil(context):
    pass
`,
      }),
    ).toEqual([EVIL_TEXT, `the value ${EVIL_TEXT}`]);
  });

  it("a pattern the linear engine cannot run leaves the definition unresolved, with the reason", () => {
    const result = runBdv({
      head: snapshotOf({
        "features/a.feature": "Feature: F\n  Scenario: s\n    Given a word word\n    Given something\n",
        "features/steps/a.js": `const { Given } = require("@cucumber/cucumber");\nGiven(/^a (\\w+) \\1$/, () => {});\nGiven("something", () => {});\n`,
      }),
      config: bdvConfig(),
    });
    expect(result.findings.map((finding) => [finding.type, finding.severity, finding.target])).toEqual([
      ["undefined-step", "warning", "a word word"],
    ]);
    expect(result.notices.map((notice) => notice.kind)).toEqual(["bdv-unresolved-step-definition"]);
    expect(result.notices[0]?.message).toContain("/^a (\\w+) \\1$/");
  });
});
