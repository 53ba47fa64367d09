/**
 * The analysis the golden report files are rendered from: a real engine run (ACC, BDV and DDE)
 * on two in-memory commits of a small shop — new, existing, fixed and suppressed findings, a
 * breaking OpenAPI change, an undefined step, a contract tag with the wrong version, a missing
 * scenario change, a failed required check, a file that does not parse, and a skipped symlink (binary files outside every scope are not mentioned).
 */
import type { AnalysisResult } from "../../../src/core/analysis-result.ts";
import { analyze } from "../../../src/core/analyze.ts";
import { loadConfig } from "../../../src/core/config/load.ts";
import type { MaestroConfig } from "../../../src/core/config/schema.ts";
import type { Snapshot } from "../../../src/core/snapshot.ts";
import { snapshotOf } from "../snapshot-builder.ts";
import { BASE_FILES, BASE_SHA, CONFIG_YAML, HEAD_FILES, HEAD_SHA, NOW } from "./result-fixture.ts";

/** The report fixture's config, plus a cycle rule and a BDV section. */
const CONFIG = CONFIG_YAML.replace(
  "    - { id: no-pg-in-ui",
  "    - { id: no-cycles, type: no-cycles, scope: file }\n    - { id: no-pg-in-ui",
).replace(
  "dde:\n",
  'bdv:\n  features: ["features/**/*.feature"]\n  steps: ["features/steps/**/*.js"]\n  contracts: [{ name: users, spec: api/users.yaml }]\ndde:\n',
);

const SPEC_V1 = `openapi: 3.0.3
info: { title: Users, version: 1.2.0 }
paths:
  /users:
    get:
      responses: { "200": { description: ok } }
    post:
      responses: { "201": { description: created } }
  /users/{id}:
    get:
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: ok }, "404": { description: missing } }
`;

/** The head removes POST /users and bumps the major version. */
const SPEC_V2 = SPEC_V1.replace("version: 1.2.0", "version: 2.0.0").replace(
  '    post:\n      responses: { "201": { description: created } }\n',
  "",
);

const FEATURE = `@contract:users:v1
Feature: Users
  Scenario: list users
    When I list the users
    Then I see 2 users

  Scenario: a missing user
    When I ask for user "nobody"
    Then the answer is 404
`;

const STEPS = `const { When, Then } = require("@cucumber/cucumber");
When("I list the users", function () {});
Then("I see {int} users", function (n) {});
When("I ask for user {string}", function (id) {});
`;

const BDV_FILES = { "features/users.feature": FEATURE, "features/steps/users.js": STEPS };

const BASE = {
  ...BASE_FILES,
  ".github/maestro-hive.yml": CONFIG,
  "api/users.yaml": SPEC_V1,
  ...BDV_FILES,
};

/** The PR also edits the config: the sticky comment lists what changes after merge. */
const HEAD_CONFIG = CONFIG.replace(
  "    - { id: no-cycles, type: no-cycles, scope: file }",
  "    - { id: no-cycles, type: no-cycles, scope: component }",
);

const HEAD = {
  ...HEAD_FILES,
  ".github/maestro-hive.yml": HEAD_CONFIG,
  "api/users.yaml": SPEC_V2,
  ...BDV_FILES,
};

function withSkipped(snapshot: Snapshot): Snapshot {
  return { ...snapshot, skipped: [{ path: "assets/current", reason: "symlink" }] };
}

export const goldenHead = (): Snapshot => withSkipped(snapshotOf(HEAD, HEAD_SHA));

export function goldenConfig(): MaestroConfig {
  const loaded = loadConfig(CONFIG);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.config;
}

export async function goldenResult(): Promise<AnalysisResult> {
  return analyze({
    head: goldenHead(),
    base: withSkipped(snapshotOf(BASE, BASE_SHA)),
    config: goldenConfig(),
    now: NOW,
    checkRuns: [{ name: "ci/build", conclusion: "failure" }],
    clock: () => 0,
  });
}
