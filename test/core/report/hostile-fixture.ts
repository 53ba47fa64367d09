/**
 * A real analysis of a repository whose names are hostile: component names, a rule id, file
 * paths, a required check's name (so a rule id) and a suppression's reason carry `<script>`, `"onload=` and
 * `</svg>`. Every report must show them as text.
 */
import type { AnalysisResult } from "../../../src/core/analysis-result.ts";
import { analyze } from "../../../src/core/analyze.ts";
import { loadConfig } from "../../../src/core/config/load.ts";
import type { MaestroConfig } from "../../../src/core/config/schema.ts";
import { snapshotOf } from "../snapshot-builder.ts";

export const HOSTILE_UI = "</svg><script>alert(1)</script>";
export const HOSTILE_DOMAIN = 'core" onload="alert(2)';
/** A required check's name (from GitHub) becomes the rule id `required-check:<name>`. */
export const HOSTILE_CHECK = 'ci"onload=alert(3)</svg>';
export const HOSTILE_UI_FILE = "src/ui/<script>alert(4)</script>.ts";
export const HOSTILE_REASON = "</svg><img src=x onerror=alert(5)> \"onload='alert(6)'";

const CONFIG = `
acc:
  components:
    ${JSON.stringify(HOSTILE_UI)}: ["src/ui/**"]
    ${JSON.stringify(HOSTILE_DOMAIN)}: ["src/domain/**"]
  rules:
    - { id: layered, type: layers, layers: [${JSON.stringify(HOSTILE_UI)}, ${JSON.stringify(HOSTILE_DOMAIN)}] }
  suppressions:
    - { id: stale-one, level: file, pattern: "src/none/**", justification: ${JSON.stringify(HOSTILE_REASON)}, expires: "2026-11-27" }
dde:
  requiredChecks: [${JSON.stringify(HOSTILE_CHECK)}]
`;

const FILES = {
  [HOSTILE_UI_FILE]: 'import { rule } from "../domain/rule.ts";\nexport const page = rule;\n',
  "src/domain/rule.ts": `import { page } from "./../ui/<script>alert(4)</script>.ts";\nexport const rule = page;\n`,
};

export function hostileConfig(): MaestroConfig {
  const loaded = loadConfig(CONFIG);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.config;
}

export async function hostileResult(): Promise<AnalysisResult> {
  return analyze({
    head: snapshotOf(FILES, "bad".padEnd(40, "0")),
    base: null,
    config: hostileConfig(),
    now: new Date("2026-11-24T12:00:00Z"),
    checkRuns: [{ name: HOSTILE_CHECK, conclusion: "failure" }],
  });
}
