import { describe, expect, it } from "vitest";
import { gateCheckRun, streamCheckRun } from "../../../src/core/report/check-runs.ts";
import { sampleResult } from "./result-fixture.ts";

const HEAD_PATHS = new Set([
  "src/ui/page.ts",
  "src/domain/rule.ts",
  "src/data/repo.ts",
  "src/data/legacy/x.ts",
  "api/users.yaml",
]);

describe("check-run outputs", () => {
  it("a failing stream: title with counts, summary with new and fixed findings, annotations", async () => {
    const acc = streamCheckRun(await sampleResult(), "acc", HEAD_PATHS);
    expect(acc).toMatchObject({
      name: "Maestro ACC",
      conclusion: "failure",
      title: "2 new findings, 1 existing, 1 fixed, 1 suppressed",
    });
    expect(acc.summary).toContain("New: 2 · Existing: 1 · Fixed: 1 · Suppressed: 1");
    expect(acc.summary).toContain("- **error** `src/domain/rule.ts:1`");
    expect(acc.summary).toContain("### Fixed (1)");
    expect(acc.annotations.map((a) => a.path)).toEqual(["src/domain/rule.ts", "src/ui/page.ts"]);
  });

  it("a stream that is not configured is neutral", async () => {
    const bdv = streamCheckRun(await sampleResult(), "bdv", HEAD_PATHS);
    expect(bdv).toMatchObject({
      name: "Maestro BDV",
      conclusion: "neutral",
      title: "Not configured",
      annotations: [],
    });
  });

  it("the gate shows the matrix row and why each stream failed", async () => {
    const gate = gateCheckRun(await sampleResult());
    expect(gate).toMatchObject({ name: "Maestro gate", conclusion: "failure", title: "MIXED_FAILURE" });
    expect(gate.summary).toContain("| fail | n/a | fail | MIXED_FAILURE |");
    expect(gate.summary).toContain("- ACC: 1 new unsuppressed error finding");
    expect(gate.summary).toContain("- DDE: 2 new unsuppressed error findings");
  });

  it("an override passes the gate and is shown with its actor and reason", async () => {
    const gate = gateCheckRun(await sampleResult({ override: true }));
    expect(gate.conclusion).toBe("success");
    expect(gate.title).toBe("MIXED_FAILURE (overridden)");
    expect(gate.summary).toContain(
      "Overridden by @release-admin for `c0ffee1`: ship the &lt;hotfix&gt; @\u200bteam",
    );
  });
});
