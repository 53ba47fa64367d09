/**
 * Bad configuration: each mistake is reported with the file, line and what is wrong — never
 * silently ignored, never a crash. Suppressions that are expired or unjustified do not apply.
 */
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/core/analyze.ts";
import { formatConfigError, loadConfig } from "../../src/core/config/load.ts";
import { snapshotOf } from "../core/snapshot-builder.ts";

const FILE = ".github/maestro-hive.yml";

function errorsOf(text: string): string[] {
  const result = loadConfig(text, FILE);
  if (result.ok) throw new Error("the config was accepted");
  return result.errors.map(formatConfigError);
}

const COMPONENTS = `acc:
  components:
    ui: ["src/ui/**"]
    data: ["src/data/**"]
`;

describe("bad config", () => {
  it("reports a YAML syntax error with its line", () => {
    const errors = errorsOf('acc:\n  components:\n    ui: ["src/ui/**"\n  rules: []\n');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatch(new RegExp(`^${FILE.replaceAll(".", "\\.")}:\\d+:\\d+: `));
  });

  it("reports a tab-indented, unparseable document instead of crashing", () => {
    expect(errorsOf("acc:\n\tcomponents: {}\n")[0]).toMatch(/maestro-hive\.yml:2:/);
  });

  it("reports an unknown rule type on its line, listing the known ones", () => {
    const errors = errorsOf(
      `${COMPONENTS}  rules:\n    - { id: r1, type: must-never-call, from: ui, to: [data] }\n`,
    );
    expect(errors.join("\n")).toMatch(/:6:\d+: .*must-never-call/);
  });

  it("reports an invalid glob in a component", () => {
    const errors = errorsOf(`acc:\n  components:\n    ui: ["src/[ui/**"]\n`);
    expect(errors.join("\n")).toMatch(/:3:\d+: .*glob/i);
  });

  it("reports an invalid regex in a suppression", () => {
    const errors = errorsOf(
      `${COMPONENTS}  suppressions:\n    - { id: s1, level: file, pattern: "src/(ui", patternType: regex, justification: legacy, permanent: true }\n`,
    );
    expect(errors.join("\n")).toMatch(/:6:\d+: .*(regex|regular expression)/i);
  });

  it("reports a rule naming a component that does not exist, suggesting the nearest", () => {
    const errors = errorsOf(
      `${COMPONENTS}  rules:\n    - { id: r1, type: must-not-call, from: uii, to: [data] }\n`,
    );
    expect(errors.join("\n")).toMatch(/:6:\d+: .*uii.*ui/);
  });

  it("reports a suppression without justification", () => {
    const errors = errorsOf(
      `${COMPONENTS}  suppressions:\n    - { id: s1, level: file, pattern: "src/ui/**", permanent: true }\n`,
    );
    expect(errors.join("\n")).toMatch(/justification/);
  });

  it("reports an unknown key, never ignoring it", () => {
    expect(errorsOf(`acc:\n  componets: {}\n`).join("\n")).toMatch(/:2:\d+: .*componets/);
  });

  it("does not apply an expired suppression and lists it as expired", async () => {
    const config = loadConfig(
      `${COMPONENTS}  rules:\n    - { id: r1, type: must-not-call, from: data, to: [ui] }\n  suppressions:\n    - { id: old, level: rule, pattern: r1, justification: "legacy import", expires: 2020-01-01 }\n`,
      FILE,
    );
    if (!config.ok) throw new Error(config.errors.map(formatConfigError).join("\n"));
    const head = snapshotOf({
      "src/ui/page.ts": "export const page = 1;\n",
      "src/data/rows.ts": 'import { page } from "../ui/page";\nexport const rows = [page];\n',
    });
    const result = await analyze({ head, config: config.config, now: new Date("2026-11-24T00:00:00Z") });
    const finding = result.streams.acc.findings.find((f) => f.rule === "r1");
    expect(finding?.suppressed).toBe(false);
    expect(result.gate.passed).toBe(false);
    expect(result.suppressions.review.expired.map((s) => s.id)).toEqual(["old"]);
  });

  it("reports a YAML alias bomb as a config error naming the file and the line of the first alias", () => {
    let bomb = "acc:\n  include: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
    for (let i = 1; i < 10; i++)
      bomb += `x${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(", ")}]\n`;
    const started = performance.now();
    const errors = errorsOf(bomb);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(errors).toEqual([
      expect.stringMatching(
        /^\.github\/maestro-hive\.yml:3:\d+: YAML aliases expand too much \(more than 100 nodes\)/,
      ),
    ]);
  });

  it("reads repository manifests nested 100,000 levels deep without a stack overflow", async () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const loaded = loadConfig(
      `${COMPONENTS}  rules:\n    - { id: layered, type: layers, layers: [ui, data] }\n`,
      FILE,
    );
    if (!loaded.ok) throw new Error("config");
    const result = await analyze({
      head: snapshotOf({
        "pyproject.toml": `[project]\nname = "x"\ndependencies = ${deep}\n`,
        "setup.cfg": `[metadata]\nname = ${deep}\n`,
        "package.json": `{"name": "x", "dependencies": ${deep}}`,
        "tsconfig.json": `// comment\n{"compilerOptions": {"paths": ${deep}}}`,
        "src/ui/page.ts": "export const page = 1;\n",
        "src/data/row.ts": 'import { page } from "../ui/page";\nexport const row = page;\n',
        "src/data/row.py": "import os\n",
      }),
      config: loaded.config,
      now: new Date("2026-11-24T12:00:00Z"),
    });
    expect(result.streams.acc.error).toBeNull();
    expect(result.streams.acc.findings.map((f) => `${f.type} ${f.file}`)).toEqual(["layers src/data/row.ts"]);
    expect(JSON.stringify(result)).not.toMatch(/call stack/);
  });
});
