import { describe, expect, it } from "vitest";
import { analyze } from "../../../src/core/analyze.ts";
import { loadConfig } from "../../../src/core/config/load.ts";
import { renderText } from "../../../src/core/report/text.ts";
import { snapshotOf } from "../snapshot-builder.ts";
import { NOW, sampleResult } from "./result-fixture.ts";

describe("text report", () => {
  it("groups findings by stream and status with file:line, severity, counts and the verdict", async () => {
    const text = renderText(await sampleResult());
    const lines = text.split("\n");
    expect(lines[0]).toBe("maestro-hive check: c0ffee111111 against base ba5e22222222");
    expect(text).toContain("ACC — architecture: FAIL\n  new (2):\n    error   src/domain/rule.ts:1  ");
    expect(text).toMatch(/ {2}existing \(1\):\n {4}error {3}src\/data\/repo\.ts:1 /);
    expect(text).toMatch(
      / {2}suppressed \(1\):\n.*src\/data\/legacy\/x\.ts:1 .*\[suppressed by legacy-data\]/,
    );
    expect(text).toMatch(/ {2}fixed \(1\):\n {4}src\/data\/old\.ts:1 /);
    expect(text).toContain("BDV — behaviour contracts: not configured");
    expect(text).toContain(
      '    error   (no file)  Required check "ci/build" concluded "failure", not "success"',
    );
    expect(text).toContain("  ACC: 2 new, 1 existing, 1 fixed, 1 suppressed");
    expect(text).toContain("  stale (matched nothing): never-matches");
    expect(text).toContain("  src/broken.ts:1: Unexpected token");
    expect(text.trimEnd().split("\n").slice(-2)).toEqual([
      "Verdict: MIXED_FAILURE — gate fails",
      "  ACC fail · BDV n/a · DDE fail → MIXED_FAILURE",
    ]);
  });

  it("names the override that passes the gate", async () => {
    expect(renderText(await sampleResult({ override: true }))).toContain(
      "Verdict: MIXED_FAILURE — gate passes (overridden by release-admin: ship the <hotfix> @team)",
    );
  });

  it("says when a stream could not run, and without a base that it checked the working tree", async () => {
    const loaded = loadConfig("acc:\n  rules: []\n");
    if (!loaded.ok) throw new Error("config");
    const result = await analyze({
      head: snapshotOf({ "src/a.ts": "export const a = 1;\n" }),
      config: loaded.config,
      now: NOW,
      extractionCache: {
        get: () => {
          throw new Error("disk full");
        },
        set: () => {},
      },
    });
    const text = renderText(result);
    expect(text.split("\n")[0]).toBe("maestro-hive check: working tree");
    expect(text).toContain("ACC — architecture: FAIL — could not run: disk full\n\n");
    expect(text).toContain("Verdict: ARCHITECTURAL_EROSION — gate fails");
  });
});
