/**
 * The analysis the golden report files are rendered from: a real engine run (ACC, BDV and DDE)
 * on two in-memory commits of a small shop — new, existing, fixed and suppressed findings, a
 * breaking OpenAPI change, an undefined step, a contract tag with the wrong version, a missing
 * scenario change, a failed required check, a file that does not parse, and a skipped binary.
 */
import type { AnalysisResult } from "../../../src/core/analysis-result.ts";
import { analyze } from "../../../src/core/analyze.ts";
import { loadConfig } from "../../../src/core/config/load.ts";
import type { MaestroConfig } from "../../../src/core/config/schema.ts";
import type { Snapshot } from "../../../src/core/snapshot.ts";
import { snapshotOf } from "../snapshot-builder.ts";

export const GOLDEN_NOW = new Date("2026-11-24T12:00:00Z");
export const GOLDEN_HEAD = "c0ffee".padEnd(40, "1");
export const GOLDEN_BASE = "ba5e".padEnd(40, "2");

const CONFIG = `
acc:
  components:
    ui: ["src/ui/**"]
    domain: ["src/domain/**"]
    data: ["src/data/**"]
  rules:
    - { id: layered, type: layers, layers: [ui, domain, data] }
    - { id: no-pg-in-ui, type: must-not-call, from: ui, to: ["package:pg"], severity: warning }
    - { id: no-cycles, type: no-cycles, scope: file }
  suppressions:
    - { id: legacy-data, level: file, pattern: "src/data/legacy/**", justification: "legacy | <b>old</b> code", expires: "2026-11-27" }
    - { id: never-matches, level: rule, pattern: "no-such-rule", justification: "stale on purpose", expires: "2027-06-30" }
bdv:
  features: ["features/**/*.feature"]
  steps: ["features/steps/**/*.js"]
  contracts: [{ name: users, spec: api/users.yaml }]
dde:
  expect:
    - { id: api-needs-scenarios, when: "api/**", changed: "features/**", message: "API change without scenarios" }
  requiredChecks: [ci/build]
`;

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

const SPEC_V2 = `openapi: 3.0.3
info: { title: Users, version: 2.0.0 }
paths:
  /users:
    get:
      responses: { "200": { description: ok } }
  /users/{id}:
    get:
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: ok }, "404": { description: missing } }
`;

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

const BASE = {
  ".github/maestro-hive.yml": CONFIG,
  "src/ui/page.ts": 'import { rule } from "../domain/rule.ts";\nexport const page = rule;\n',
  "src/domain/rule.ts": "export const rule = 1;\n",
  "src/data/repo.ts": 'import { rule } from "../domain/rule.ts";\nexport const row = rule;\n',
  "src/data/old.ts": 'import { page } from "../ui/page.ts";\nexport const old = page;\n',
  "api/users.yaml": SPEC_V1,
  "features/users.feature": FEATURE,
  "features/steps/users.js": STEPS,
};

/** The PR also edits the config: the sticky comment lists what changes after merge. */
const HEAD_CONFIG = CONFIG.replace(
  "    - { id: no-cycles, type: no-cycles, scope: file }",
  "    - { id: no-cycles, type: no-cycles, scope: component }",
);

const HEAD = {
  ".github/maestro-hive.yml": HEAD_CONFIG,
  "src/ui/page.ts":
    'import { rule } from "../domain/rule.ts";\nimport pg from "pg";\nexport const page = [rule, pg];\n',
  "src/domain/rule.ts": 'import { page } from "../ui/page.ts";\nexport const rule = page;\n',
  "src/data/repo.ts": 'import { rule } from "../domain/rule.ts";\nexport const row = rule;\n',
  "src/data/legacy/x.ts": 'import { page } from "../../ui/page.ts";\nexport const x = page;\n',
  "src/broken.ts": "export const = ;\n",
  "api/users.yaml": SPEC_V2,
  "features/users.feature": FEATURE,
  "features/steps/users.js": STEPS,
};

function withSkipped(snapshot: Snapshot): Snapshot {
  return { ...snapshot, skipped: [{ path: "assets/logo.png", reason: "binary" }] };
}

export const goldenHead = (): Snapshot => withSkipped(snapshotOf(HEAD, GOLDEN_HEAD));

export function goldenConfig(): MaestroConfig {
  const loaded = loadConfig(CONFIG);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.config;
}

export async function goldenResult(): Promise<AnalysisResult> {
  return analyze({
    head: goldenHead(),
    base: withSkipped(snapshotOf(BASE, GOLDEN_BASE)),
    config: goldenConfig(),
    now: GOLDEN_NOW,
    checkRuns: [{ name: "ci/build", conclusion: "failure" }],
    clock: () => 0,
  });
}
