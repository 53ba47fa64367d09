/**
 * A real AnalysisResult for report tests, made by the engine on in-memory snapshots:
 * ACC findings that are new, existing, fixed and suppressed; a DDE finding without a
 * line; a required check without a file; a parse-error notice; an expiring and a stale
 * suppression.
 */
import type { AnalysisResult } from "../../../src/core/analysis-result.ts";
import { analyze } from "../../../src/core/analyze.ts";
import { loadConfig } from "../../../src/core/config/load.ts";
import { snapshotOf } from "../snapshot-builder.ts";

export const NOW = new Date("2026-11-24T12:00:00Z");
export const HEAD_SHA = "c0ffee".padEnd(40, "1");
export const BASE_SHA = "ba5e".padEnd(40, "2");

export const CONFIG_YAML = `
acc:
  components:
    ui: ["src/ui/**"]
    domain: ["src/domain/**"]
    data: ["src/data/**"]
  rules:
    - { id: layered, type: layers, layers: [ui, domain, data] }
    - { id: no-pg-in-ui, type: must-not-call, from: ui, to: ["package:pg"], severity: warning }
  suppressions:
    - { id: legacy-data, level: file, pattern: "src/data/legacy/**", justification: "legacy | <b>old</b> code", expires: "2026-11-27" }
    - { id: never-matches, level: rule, pattern: "no-such-rule", justification: "stale on purpose", expires: "2027-06-30" }
dde:
  expect:
    - { id: api-needs-scenarios, when: "api/**", changed: "features/**", message: "API change without scenarios" }
  requiredChecks: [ci/build]
`;

export const BASE_FILES = {
  "src/ui/page.ts": 'import { rule } from "../domain/rule.ts";\nexport const page = rule;\n',
  "src/domain/rule.ts": "export const rule = 1;\n",
  "src/data/repo.ts": 'import { rule } from "../domain/rule.ts";\nexport const row = rule;\n',
  "src/data/old.ts": 'import { page } from "../ui/page.ts";\nexport const old = page;\n',
  "api/users.yaml": "openapi: 3.0.0\n",
};

export const HEAD_FILES = {
  "src/ui/page.ts":
    'import { rule } from "../domain/rule.ts";\nimport pg from "pg";\nexport const page = [rule, pg];\n',
  "src/domain/rule.ts": 'import { page } from "../ui/page.ts";\nexport const rule = page;\n',
  "src/data/repo.ts": 'import { rule } from "../domain/rule.ts";\nexport const row = rule;\n',
  "src/data/legacy/x.ts": 'import { page } from "../../ui/page.ts";\nexport const x = page;\n',
  "src/broken.ts": "export const = ;\n",
  "api/users.yaml": "openapi: 3.1.0\n",
};

export async function sampleResult(overrides: { override?: boolean } = {}): Promise<AnalysisResult> {
  const loaded = loadConfig(CONFIG_YAML);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return analyze({
    head: snapshotOf(HEAD_FILES, HEAD_SHA),
    base: snapshotOf(BASE_FILES, BASE_SHA),
    config: loaded.config,
    now: NOW,
    checkRuns: [{ name: "ci/build", conclusion: "failure" }],
    override: overrides.override
      ? { actor: "release-admin", reason: "ship the <hotfix> @team", headSha: HEAD_SHA }
      : null,
  });
}
