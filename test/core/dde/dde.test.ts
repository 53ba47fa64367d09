import { describe, expect, it } from "vitest";
import { type DdeConfig, ddeSchema } from "../../../src/core/config/schema.ts";
import { type CheckRunResult, runDde } from "../../../src/core/dde/index.ts";

function config(raw: unknown): DdeConfig {
  return ddeSchema.parse(raw);
}

function run(
  raw: unknown,
  changed: string[],
  headPaths: string[] = changed,
  checkRuns: CheckRunResult[] | null = null,
) {
  return runDde({ config: config(raw), changedFiles: new Set(changed), headPaths, checkRuns });
}

const API_RULE = {
  expect: [{ when: "api/**", changed: "features/**", message: "API change without scenarios" }],
};

describe("dde expect rules", () => {
  it("reports a change to `when` files without a change to `changed` files, with the configured message", () => {
    const result = run(API_RULE, ["api/users.yaml", "src/app.ts"]);
    expect(result.findings).toHaveLength(1);
    const [finding] = result.findings;
    expect(finding).toMatchObject({
      stream: "dde",
      type: "expect",
      severity: "error",
      file: "api/users.yaml",
      line: null,
      target: "features/**",
      message: "API change without scenarios: api/users.yaml changed without a change to features/**",
    });
    expect(finding?.id).toMatch(/^[0-9a-f]{12}$/);
  });

  it("is satisfied when a matching file changed too", () => {
    expect(run(API_RULE, ["api/users.yaml", "features/users.feature"]).findings).toEqual([]);
  });

  it("does not fire when no `when` file changed", () => {
    expect(run(API_RULE, ["src/app.ts"]).findings).toEqual([]);
  });

  it("`exists` is satisfied by a file anywhere in the head commit, changed or not", () => {
    const rule = { expect: [{ id: "adr", when: ".github/maestro-hive.yml", exists: "docs/adr/*.md" }] };
    expect(
      run(rule, [".github/maestro-hive.yml"], [".github/maestro-hive.yml", "docs/adr/0001-layers.md"])
        .findings,
    ).toEqual([]);
    const missing = run(rule, [".github/maestro-hive.yml"], [".github/maestro-hive.yml", "docs/notes.md"]);
    expect(missing.findings.map((f) => [f.rule, f.message])).toEqual([
      ["adr", ".github/maestro-hive.yml changed without a file matching docs/adr/*.md"],
    ]);
  });

  it("with both `changed` and `exists`, either satisfies the rule", () => {
    const rule = { expect: [{ when: "api/**", changed: "features/**", exists: "features/WAIVER" }] };
    expect(run(rule, ["api/a.yaml"], ["api/a.yaml", "features/WAIVER"]).findings).toEqual([]);
    expect(run(rule, ["api/a.yaml"], ["api/a.yaml"]).findings).toHaveLength(1);
  });

  it("has an id that depends on the rule, not on which files triggered it", () => {
    const a = run(API_RULE, ["api/a.yaml"]).findings[0];
    const b = run(API_RULE, ["api/b.yaml", "api/c.yaml"]).findings[0];
    expect(a?.id).toBe(b?.id);
    const other = run({ expect: [{ when: "api/**", changed: "docs/**" }] }, ["api/a.yaml"]).findings[0];
    expect(other?.id).not.toBe(a?.id);
  });

  it("keeps the configured severity and names the triggering files, bounded", () => {
    const changed = Array.from({ length: 8 }, (_, i) => `api/s${i}.yaml`);
    const [finding] = run(
      { expect: [{ when: ["api/**"], changed: ["features/**"], severity: "warning" }] },
      changed,
    ).findings;
    expect(finding?.severity).toBe("warning");
    expect(finding?.message).toContain("and 3 more");
    expect(finding?.details?.split("\n")).toHaveLength(9);
  });

  it("globs match dotfiles and whole segments", () => {
    const rule = { expect: [{ when: "src/*.ts", changed: "CHANGELOG.md" }] };
    expect(run(rule, ["src/deep/x.ts"]).findings).toEqual([]);
    expect(run(rule, [".github/x", "src/.hidden.ts"]).findings).toHaveLength(1);
  });
});

describe("dde required checks", () => {
  const rule = { requiredChecks: ["ci/test", "lint"] };

  it("passes when every required check concluded success", () => {
    const runs = [
      { name: "ci/test", conclusion: "success" },
      { name: "lint", conclusion: "success" },
      { name: "unrelated", conclusion: "failure" },
    ];
    expect(run(rule, [], [], runs).findings).toEqual([]);
  });

  it.each([
    [null, 'Required check "lint" has not completed on the head commit'],
    ["neutral", 'Required check "lint" concluded "neutral", not "success"'],
    ["failure", 'Required check "lint" concluded "failure", not "success"'],
    ["skipped", 'Required check "lint" concluded "skipped", not "success"'],
    ["cancelled", 'Required check "lint" concluded "cancelled", not "success"'],
  ])("fails on conclusion %s", (conclusion, message) => {
    const runs = [
      { name: "ci/test", conclusion: "success" },
      { name: "lint", conclusion },
    ];
    const findings = run(rule, [], [], runs).findings;
    expect(findings.map((f) => [f.type, f.severity, f.target, f.message])).toEqual([
      ["required-check", "error", "lint", message],
    ]);
  });

  it("fails when a required check has not run at all", () => {
    const findings = run(rule, [], [], [{ name: "ci/test", conclusion: "success" }]).findings;
    expect(findings.map((f) => f.message)).toEqual(['Required check "lint" has not run on the head commit']);
  });

  it("fails when any of several runs with the name did not succeed", () => {
    const runs = [
      { name: "ci/test", conclusion: "success" },
      { name: "lint", conclusion: "success" },
      { name: "lint", conclusion: "failure" },
    ];
    expect(run(rule, [], [], runs).findings).toHaveLength(1);
  });

  it("without check-run data (a local run) gives a notice, not a finding", () => {
    const result = run(rule, [], [], null);
    expect(result.findings).toEqual([]);
    expect(result.notices).toEqual([
      expect.objectContaining({
        kind: "dde-required-checks-unverified",
        message: expect.stringContaining("ci/test, lint"),
      }),
    ]);
  });
});
