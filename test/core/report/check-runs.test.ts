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
  // The four outputs of a real run are the golden file __golden__/check-runs.json.
  it("a stream that is not configured is neutral", async () => {
    const bdv = streamCheckRun(await sampleResult(), "bdv", HEAD_PATHS);
    expect(bdv).toMatchObject({
      name: "Maestro BDV",
      conclusion: "neutral",
      title: "Not configured",
      annotations: [],
    });
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
