import { runBdv } from "../src/core/bdv/index.ts";
import { bdvConfig, snapshotOf } from "../test/core/bdv/helpers.ts";
const head = snapshotOf({
  "features/cart.feature": `@contract:shop:v1
Feature: Cart
  # @contract:shop:v9
  Background:
    Given I am logged in

  Rule: totals
    Scenario: add
      When I add 3 apples
      * the cart shows 3 items
      Then something undefined "here" with 5

  Scenario Outline: many
    When I add <n> apples
    Then the cart shows <n> items
    Examples:
      | n  |
      | 1  |
      | x  |
`,
  "features/steps/cart.steps.ts": `import { Given as G, When, Then } from "@cucumber/cucumber";
import * as cucumber from "@cucumber/cucumber";
G("I am logged in", function () {});
When("I add {int} apples", function (n) {});
Then(/^the cart shows (\\d+) items$/, function (n) {});
cucumber.Then("the cart shows {int} item(s)", function (n) {});
When(\`never used\`, () => {});
When(someVariable, () => {});
When("bad {unknown}", () => {});
`,
});
const result = runBdv({ head, config: bdvConfig({ contracts: [] }) });
console.log(JSON.stringify(result, null, 1));
