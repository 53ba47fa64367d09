import { describe, expect, it } from "vitest";
import { analyze } from "../../../src/core/analyze.ts";
import { loadConfig } from "../../../src/core/config/load.ts";
import { renderText } from "../../../src/core/report/text.ts";
import { snapshotOf } from "../snapshot-builder.ts";
import { NOW, sampleResult } from "./result-fixture.ts";

describe("text report", () => {
  // The whole report of a real run is the golden file __golden__/check.txt (golden.test.ts).
  it("says when a stream is not configured", async () => {
    expect(renderText(await sampleResult())).toContain("BDV — behaviour contracts: not configured");
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
