import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { renderSarif, sarifLog } from "../../../src/core/report/sarif.ts";
import { sampleResult } from "./result-fixture.ts";

function sarifValidator() {
  const schema = JSON.parse(
    readFileSync(new URL("../../fixtures/sarif/sarif-schema-2.1.0-rtm.5.json", import.meta.url), "utf8"),
  );
  // A draft-04 schema: Ajv (draft-07) needs `$id` instead of `id` and no draft-04 `$schema`.
  schema.$id = schema.id;
  delete schema.id;
  delete schema.$schema;
  // Its language pattern is not valid under the "u" flag, hence unicodeRegExp: false.
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats.default(ajv);
  return ajv.compile(schema);
}

describe("SARIF report", () => {
  const validate = sarifValidator();

  it("validates against the SARIF 2.1.0 schema", async () => {
    const log = JSON.parse(renderSarif(await sampleResult()));
    const valid = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it("the validator rejects a broken log (the check can fail)", () => {
    expect(validate({ version: "2.1.0", runs: [{ tool: { driver: {} } }] })).toBe(false);
    expect(
      validate({
        version: "2.1.0",
        runs: [{ tool: { driver: { name: "x" } }, results: [{ level: "fatal", message: { text: "m" } }] }],
      }),
    ).toBe(false);
  });

  it("has one rule per stream and rule id, a result per head finding, with fingerprints and baseline state", async () => {
    const log = sarifLog(await sampleResult());
    const run = log.runs[0]!;
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual([
      "acc/layered",
      "acc/no-pg-in-ui",
      "dde/api-needs-scenarios",
      "dde/required-check:ci/build",
    ]);
    expect(run.results).toHaveLength(6);
    const byId = new Map(run.results.map((r) => [r.properties.findingId as string, r]));
    const suppressed = run.results.filter((r) => r.suppressions);
    expect(suppressed).toHaveLength(1);
    expect(suppressed[0]?.suppressions?.[0]).toMatchObject({ kind: "external", status: "accepted" });
    expect(run.results.map((r) => r.baselineState).sort()).toEqual([
      "new",
      "new",
      "new",
      "new",
      "new",
      "unchanged",
    ]);
    for (const [id, r] of byId) expect(r.partialFingerprints["maestroFindingId/v1"]).toBe(id);
    const warning = run.results.find((r) => r.ruleId === "acc/no-pg-in-ui");
    expect(warning?.level).toBe("warning");
    expect(warning?.locations[0]).toEqual({
      physicalLocation: {
        artifactLocation: { uri: "src/ui/page.ts", uriBaseId: "%SRCROOT%" },
        region: { startLine: 2 },
      },
    });
    // A finding without a file is located on the config file, so code scanning accepts it.
    const check = run.results.find((r) => r.ruleId === "dde/required-check:ci/build");
    expect(JSON.stringify(check?.locations)).toContain(".github/maestro-hive.yml");
    expect(run.properties.verdict).toBe("MIXED_FAILURE");
  });
});
