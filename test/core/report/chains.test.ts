import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import type { AnalysisResult } from "../../../src/core/analysis-result.ts";
import { analyze } from "../../../src/core/analyze.ts";
import { loadConfig } from "../../../src/core/config/load.ts";
import { streamCheckRun } from "../../../src/core/report/check-runs.ts";
import { jsonReport } from "../../../src/core/report/json.ts";
import { renderMarkdown } from "../../../src/core/report/markdown.ts";
import { sarifLog } from "../../../src/core/report/sarif.ts";
import { renderText } from "../../../src/core/report/text.ts";
import { snapshotOf } from "../snapshot-builder.ts";

/**
 * Cycle members and indirect chains in every output format, on a real analysis: a layers
 * rule finds data → helpers → ui (a chain), no-cycles finds a three-file cycle group.
 */
const CONFIG = `acc:
  components: { ui: ["src/ui/**"], data: ["src/data/**"] }
  rules:
    - { id: layered, type: layers, layers: [ui, data] }
    - { id: no-cycles, type: no-cycles }
`;

const FILES = {
  "src/ui/page.ts": "export const page = 1;\n",
  "src/data/repo.ts": 'import { help } from "../lib/helpers.ts";\nexport const repo = help;\n',
  "src/lib/helpers.ts": 'import { page } from "../ui/page.ts";\nexport const help = page;\n',
  "src/a.ts": 'import { b } from "./b.ts";\nexport const a = 1;\n',
  "src/b.ts": 'import { c } from "./c.ts";\nexport const b = 1;\n',
  "src/c.ts": 'import { a } from "./a.ts";\nexport const c = 1;\n',
};

async function result(): Promise<AnalysisResult> {
  const loaded = loadConfig(CONFIG);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return analyze({
    head: snapshotOf(FILES, "f".repeat(40)),
    base: null,
    config: loaded.config,
    now: new Date("2026-11-24T12:00:00Z"),
  });
}

const CHAIN = [
  { file: "src/data/repo.ts", line: 1, target: "src/lib/helpers.ts" },
  { file: "src/lib/helpers.ts", line: 1, target: "src/ui/page.ts" },
];
const MEMBERS = ["src/a.ts", "src/b.ts", "src/c.ts"];

describe("chains and cycle members in every report format", () => {
  it("json: `chain` hops and `members`", async () => {
    const violations = jsonReport(await result()).acc.violations;
    const indirect = violations.find((v) => v.rule === "layered")!;
    expect(indirect.chain).toEqual(CHAIN);
    expect(indirect).not.toHaveProperty("members");
    const cycle = violations.find((v) => v.rule === "no-cycles")!;
    expect(cycle.members).toEqual(MEMBERS);
    expect(cycle).not.toHaveProperty("chain");
  });

  it("text: a `via` line and a `members` line under the finding", async () => {
    const text = renderText(await result());
    expect(text).toContain("            via src/data/repo.ts:1 → src/lib/helpers.ts:1 → src/ui/page.ts\n");
    expect(text).toContain("            members (3): src/a.ts, src/b.ts, src/c.ts\n");
  });

  it("markdown (the sticky comment): both in the finding's message cell, escaped", async () => {
    const markdown = renderMarkdown(await result());
    expect(markdown).toContain("<br>via src/data/repo.ts:1 → src/lib/helpers.ts:1 → src/ui/page.ts |");
    expect(markdown).toContain("<br>members \\(3\\): src/a.ts, src/b.ts, src/c.ts |");
  });

  it("check run: sub-items in the summary, and the annotation's raw details", async () => {
    const analysis = await result();
    const run = streamCheckRun(analysis, "acc", new Set(Object.keys(FILES)));
    expect(run.summary).toContain("  - via src/data/repo.ts:1 → src/lib/helpers.ts:1 → src/ui/page.ts");
    expect(run.summary).toContain("  - members \\(3\\): src/a.ts, src/b.ts, src/c.ts");
    const annotation = run.annotations.find((a) => a.path === "src/data/repo.ts")!;
    expect(annotation.raw_details).toBe("via src/data/repo.ts:1 → src/lib/helpers.ts:1 → src/ui/page.ts");
    const cycle = run.annotations.find((a) => a.title.includes("no-cycles"))!;
    expect(cycle.raw_details!.split("\n")[0]).toBe("members (3): src/a.ts, src/b.ts, src/c.ts");
  });

  it("SARIF: a code flow and related locations for the chain, related locations for the cycle's files; valid 2.1.0", async () => {
    const log = sarifLog(await result());
    const results = log.runs[0]!.results as unknown as Record<string, unknown>[];
    const indirect = results.find((r) => (r.ruleId as string).endsWith("/layered"))!;
    const flow = (indirect.codeFlows as { threadFlows: { locations: unknown[] }[] }[])[0]!;
    expect(flow.threadFlows[0]!.locations).toEqual(
      CHAIN.map((hop) => ({
        location: {
          physicalLocation: {
            artifactLocation: { uri: hop.file, uriBaseId: "%SRCROOT%" },
            region: { startLine: hop.line },
          },
          message: { text: `imports ${hop.target}` },
        },
      })),
    );
    const cycle = results.find((r) => (r.ruleId as string).endsWith("/no-cycles"))!;
    expect(
      (cycle.relatedLocations as { physicalLocation: { artifactLocation: { uri: string } } }[]).map(
        (location) => location.physicalLocation.artifactLocation.uri,
      ),
    ).toEqual(MEMBERS);
    expect((cycle.properties as { members: string[] }).members).toEqual(MEMBERS);
    const schema = JSON.parse(
      readFileSync(new URL("../../fixtures/sarif/sarif-schema-2.1.0-rtm.5.json", import.meta.url), "utf8"),
    );
    schema.$id = schema.id;
    delete schema.id;
    delete schema.$schema;
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    validate(log);
    expect(validate.errors ?? []).toEqual([]);
  });
});
