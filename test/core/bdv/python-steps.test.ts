import { describe, expect, it } from "vitest";
import { runBdv } from "../../../src/core/bdv/index.ts";
import { readPythonSteps } from "../../../src/core/bdv/steps/python.ts";
import type { Finding } from "../../../src/core/findings.ts";
import { bdvConfig, snapshotOf } from "./helpers.ts";

function brief(findings: readonly Finding[]) {
  return findings.map((finding) => [
    finding.type,
    finding.severity,
    finding.file,
    finding.line,
    finding.target,
  ]);
}

const BEHAVE_STEPS = `# -*- coding: utf-8 -*-
from behave import given, when, then, step, register_type, use_step_matcher
import parse


@parse.with_pattern(r"\\d+")
def parse_number(text):
    return int(text)


register_type(Number=parse_number)


@given('a shop with {count:Number} products')
def step_impl(context, count):
    pass


@when(u'I buy {item}')
def step_impl(context, item):
    pass


@Then("the basket "
      "contains {n:d} items")
def step_impl(context, n):
    pass


use_step_matcher("re")


@when(r'I pay (?P<amount>\\d+) euros')
def step_impl(context, amount):
    pass


@step('the (?:first|second) page')
def step_impl(context):
    pass


@then(f"the total is {TOTAL}")
def step_impl(context):
    pass
`;

const BEHAVE_FEATURE = `Feature: Shop
  Scenario: buying
    Given a shop with 5 products
    When I buy a book
    And i BUY a pen
    And I pay 10 euros
    Then the basket contains 2 items
    And the first page
    Given I pay 10 euros
    Given a shop with five products
    Then the shop has "007" products
`;

describe("behave step definitions", () => {
  it("reads decorators, matchers and custom types statically", () => {
    const result = readPythonSteps("features/steps/shop.py", BEHAVE_STEPS);
    expect(
      result.definitions.map((definition) => [
        definition.line,
        definition.framework,
        definition.keyword,
        definition.pattern,
      ]),
    ).toEqual([
      [
        14,
        "behave",
        "given",
        { kind: "parse", source: "a shop with {count:Number} products", cardinality: false },
      ],
      [19, "behave", "when", { kind: "parse", source: "I buy {item}", cardinality: false }],
      [
        24,
        "behave",
        "then",
        { kind: "parse", source: "the basket contains {n:d} items", cardinality: false },
      ],
      [
        33,
        "behave",
        "when",
        { kind: "python-regexp", source: "I pay (?P<amount>\\d+) euros", anchoring: "full" },
      ],
      [
        38,
        "behave",
        "step",
        { kind: "python-regexp", source: "the (?:first|second) page", anchoring: "full" },
      ],
      [
        43,
        "behave",
        "then",
        { kind: "unresolved", source: 'f"the total is {TOTAL}"', reason: "the f-string has substitutions" },
      ],
    ]);
    expect(result.parseTypes).toEqual([
      { file: "features/steps/shop.py", line: 11, name: "Number", regexp: "\\d+" },
    ]);
  });

  it("matches with the keyword type (And inherits it), case-insensitive parse, and behave snippets", () => {
    const result = runBdv({
      head: snapshotOf({ "features/shop.feature": BEHAVE_FEATURE, "features/steps/shop.py": BEHAVE_STEPS }),
      config: bdvConfig(),
    });
    expect(brief(result.findings)).toEqual([
      ["undefined-step", "error", "features/shop.feature", 9, "I pay 10 euros"],
      ["undefined-step", "error", "features/shop.feature", 10, "a shop with five products"],
      ["undefined-step", "warning", "features/shop.feature", 11, 'the shop has "007" products'],
    ]);
    expect(result.findings[0]?.details).toContain(
      ['@given("I pay {number:d} euros")', "def step_impl(context, number):"].join("\n"),
    );
    expect(result.findings[2]?.details).toContain('@then("the shop has \\"{text}\\" products")');
    expect(result.notices.map((notice) => [notice.kind, notice.line])).toEqual([
      ["bdv-unresolved-step-definition", 43],
    ]);
  });
});

const PYTEST_STEPS = `from pytest_bdd import scenarios, given, when, then, parsers
from pytest_bdd.parsers import parse as p

scenarios("../features")


@given("I am on the login page", target_fixture="page")
def login_page():
    return "page"


@when(parsers.parse('I log in as "{user}"'))
def log_in(user):
    pass


@then(parsers.re(r"I see (?P<count>\\d+) messages?"))
def messages(count):
    pass


@then(parsers.cfparse("the tags are {tags:Tag+}", extra_types={"Tag": str}))
def tags(tags):
    pass


@when(p("I wait {seconds:d} seconds"))
def wait(seconds):
    pass


@given(MY_STEP)
def dynamic():
    pass
`;

describe("pytest-bdd step definitions", () => {
  it("uses exact strings, parsers.parse/re/cfparse and keyword types; ignores target_fixture", () => {
    const result = runBdv({
      head: snapshotOf({
        "features/login.feature": `Feature: Login
  Scenario: messages
    Given I am on the login page
    When I log in as "bob"
    And I wait 3 seconds
    Then I see 3 messages
    And I see 1 message
    And the tags are a, b, c
    Given I am on the login page now
    When I log in as "bob" twice
`,
        "tests/test_login.py": PYTEST_STEPS,
      }),
      config: bdvConfig({ steps: ["tests/**/*.py"] }),
    });
    expect(brief(result.findings)).toEqual([
      ["undefined-step", "warning", "features/login.feature", 9, "I am on the login page now"],
      ["undefined-step", "error", "features/login.feature", 10, 'I log in as "bob" twice'],
    ]);
    expect(result.findings[1]?.details).toContain(
      [
        '@when(parsers.parse("I log in as \\"{text}\\" twice"))',
        "def _(text):",
        "    raise NotImplementedError",
      ].join("\n"),
    );
    expect(result.summary.stepDefinitions).toBe(6);
  });
});

describe("Python files that are not step definitions", () => {
  it("does not take hypothesis' @given for a step decorator", () => {
    const result = readPythonSteps(
      "tests/test_props.py",
      "from hypothesis import given, strategies as st\n\n@given(st.integers())\ndef test_int(x):\n    pass\n",
    );
    expect(result.definitions).toEqual([]);
  });
});

describe("behave step matchers beyond parse and re", () => {
  it("anchors re0 at the start only, and leaves an unknown matcher's patterns unresolved", () => {
    const steps = `from behave import given, use_step_matcher
use_step_matcher("re0")

@given(r"^I have (\\d+) cukes")
def cukes(context, n):
    pass

use_step_matcher("cucumber_expressions")

@given("I eat {int} cukes")
def eat(context, n):
    pass
`;
    const read = readPythonSteps("features/steps/cukes.py", steps);
    expect(read.definitions.map((definition) => definition.pattern)).toEqual([
      { kind: "python-regexp", source: "^I have (\\d+) cukes", anchoring: "start" },
      {
        kind: "unresolved",
        source: '"I eat {int} cukes"',
        reason: 'step matcher "cucumber_expressions" is not evaluated statically',
      },
    ]);
    const result = runBdv({
      head: snapshotOf({
        "features/cukes.feature":
          "Feature: C\n  Scenario: s\n    Given I have 3 cukes in my belly\n    Given I eat 2 cukes\n",
        "features/steps/cukes.py": steps,
      }),
      config: bdvConfig(),
    });
    expect(brief(result.findings)).toEqual([
      ["undefined-step", "warning", "features/cukes.feature", 4, "I eat 2 cukes"],
    ]);
  });
});
