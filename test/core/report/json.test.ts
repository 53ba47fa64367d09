import { describe, expect, it } from "vitest";
import { jsonReport, renderJson } from "../../../src/core/report/json.ts";
import { checkJsonContract } from "./json-contract.ts";
import { sampleResult } from "./result-fixture.ts";

describe("json report", () => {
  it("matches the design's contract exactly", async () => {
    const report = checkJsonContract.parse(JSON.parse(renderJson(await sampleResult())));
    expect(report.verdict).toBe("fail");
    expect(
      report.acc.violations.map((v) => [v.rule, v.file, v.status, v.suppressed, v.suppressionId]),
    ).toEqual([
      ["layered", "src/data/legacy/x.ts", "new", true, "legacy-data"],
      ["layered", "src/data/repo.ts", "existing", false, null],
      ["layered", "src/domain/rule.ts", "new", false, null],
      ["no-pg-in-ui", "src/ui/page.ts", "new", false, null],
    ]);
    expect(report.acc.fixed.map((f) => [f.file, f.target])).toEqual([["src/data/old.ts", "src/ui/page.ts"]]);
    expect(report.bdv).toEqual({ findings: [], fixed: [] });
    expect(report.dde.findings.map((f) => [f.rule, f.file, f.line])).toEqual([
      ["api-needs-scenarios", "api/users.yaml", null],
      ["required-check:ci/build", null, null],
    ]);
  });

  it("adds the gate row, stream states, notices and suppression review at the top level", async () => {
    const report = jsonReport(await sampleResult());
    expect(report.gate).toEqual({
      verdict: "MIXED_FAILURE",
      row: "ACC fail · BDV n/a · DDE fail → MIXED_FAILURE",
      override: null,
    });
    expect(report.streams.bdv).toMatchObject({ configured: false, passed: true });
    expect(report.streams.acc.counts).toEqual({ new: 2, existing: 1, fixed: 1, suppressed: 1 });
    expect(report.notices).toEqual([
      expect.objectContaining({ kind: "parse-error", file: "src/broken.ts", line: 1 }),
    ]);
    expect(report.suppressions.expiringSoon.map((s) => s.id)).toEqual(["legacy-data"]);
    expect(report.suppressions.stale).toEqual(["never-matches"]);
    expect(report.suppressions.usage).toEqual({ "legacy-data": 1 });
  });

  it("an override bound to the head makes the verdict pass", async () => {
    const report = jsonReport(await sampleResult({ override: true }));
    expect(report.verdict).toBe("pass");
    expect(report.gate.override?.actor).toBe("release-admin");
  });
});
