/**
 * One base and one head commit that make the engine produce every kind of finding it knows:
 * each ACC rule type (both no-cycles and coupling scopes, must-not-call on a component and on
 * a package), every BDV check and both DDE checks. finding-ids.test.ts pins their ids.
 */
import { loadConfig } from "../../src/core/config/load.ts";
import type { MaestroConfig } from "../../src/core/config/schema.ts";

export const CONFIG_YAML = `
acc:
  components:
    ui: ["src/ui/**"]
    domain: ["src/domain/**"]
    data: ["src/data/**"]
    billing: ["src/billing/**"]
    shipping: ["src/shipping/**"]
  rules:
    - { id: layered, type: layers, layers: [ui, domain, data] }
    - { id: ui-calls, type: can-call, from: ui, to: [domain] }
    - { id: ui-packages, type: can-call, from: ui, to: [domain, "package:react"] }
    - { id: data-not-up, type: must-not-call, from: data, to: [ui] }
    - { id: no-lodash, type: must-not-call, from: domain, to: ["package:lodash"] }
    - { id: file-cycles, type: no-cycles, scope: file }
    - { id: component-cycles, type: no-cycles, scope: component }
    - { id: fan-out, type: coupling, from: domain, metric: fan-out, max: 1 }
    - { id: component-fan-in, type: coupling, from: domain, metric: fan-in, max: 0, scope: component }
bdv:
  features: ["features/**/*.feature"]
  steps: ["features/**/*.js"]
  contracts:
    - { name: users, spec: api/users.yaml }
    - { name: broken, spec: api/broken.yaml }
    - { name: missing, spec: api/missing.yaml }
dde:
  expect:
    - { id: api-scenarios, when: "api/**", changed: "docs/api/**", message: "API change without scenarios" }
  requiredChecks: ["ci/build"]
`;

export function pinnedConfig(): MaestroConfig {
  const loaded = loadConfig(CONFIG_YAML, ".github/maestro-hive.yml");
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.config;
}

/** The head's contract: DELETE /users/{id} of the base is gone (a breaking change). */
const USERS_V1_HEAD = `openapi: 3.0.3
info: { title: Users, version: 1.0.0 }
paths:
  /users:
    get:
      operationId: listUsers
      responses: { "200": { description: ok } }
    post:
      operationId: createUser
      responses: { "201": { description: created } }
`;

const USERS_V1 = `${USERS_V1_HEAD}  /users/{id}:
    delete:
      operationId: deleteUser
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses: { "204": { description: gone } }
`;

const STEPS = `const { Given, When, Then, defineParameterType } = require("@cucumber/cucumber");
Given("a user", function () {});
Given("a twin", function () {});
Given(/^a tw.n$/, function () {});
Given("nobody uses this", function () {});
Given("nobody uses this", function () {});
Given("a {broken", function () {});
defineParameterType({ name: "bad", regexp: /(/, transformer: (s) => s });
When("I send {word} to {string}", function () {});
Then("the response status is {int}", function () {});
`;

const USERS_FEATURE = `@contract:users:v2
Feature: Users

  Scenario: list
    Given a user
    When I send GET to "/users"
    Then the response status is 500

  Scenario: unknown
    When I send GET to "/userz"

  Scenario: twins
    Given a twin
    And a step nobody defined

  Scenario: twins
    Given a user

  Scenario Outline: outline
    Given a user

  Scenario: nothing
`;

const ACC_FILES = {
  "src/ui/page.ts":
    'import { rows } from "../data/rows";\nimport { rule } from "../domain/rule";\nimport vue from "vue";\nexport const page = [rows, rule, vue];\n',
  "src/domain/rule.ts":
    'import { page } from "../ui/page";\nimport { rows } from "../data/rows";\nimport _ from "lodash";\nexport const rule = [page, rows, _];\n',
  "src/data/rows.ts": 'import { page } from "../ui/page";\nexport const rows = [page];\n',
  "src/billing/invoice.ts": 'import { ship } from "../shipping/ship";\nexport const invoice = ship;\n',
  "src/shipping/ship.ts": 'import { invoice } from "../billing/invoice";\nexport const ship = invoice;\n',
};

export const BASE_FILES: Record<string, string> = {
  "api/users.yaml": USERS_V1,
  "README.md": "base\n",
};

export const HEAD_FILES: Record<string, string> = {
  ...ACC_FILES,
  "api/users.yaml": USERS_V1_HEAD,
  "api/broken.yaml": "openapi: [unclosed\n",
  "features/users.feature": USERS_FEATURE,
  "features/empty.feature": "Feature: Nothing here\n",
  "features/steps.js": STEPS,
};

/**
 * A feature that does not parse. Apart: while a feature does not parse, unused step
 * definitions are not reported (the unparsed scenarios might use them).
 */
export const PARSE_ERROR_FILES: Record<string, string> = {
  ...HEAD_FILES,
  "features/broken.feature": "Feature: Broken\n  Scenario: one\n    Given a user\n    | a | b |\n    | c |\n",
};

/** Check runs on the head: ci/build failed. */
export const CHECK_RUNS = [{ name: "ci/build", conclusion: "failure" }];
