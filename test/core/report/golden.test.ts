/**
 * Golden files: every report format rendered from one real engine run (golden-fixture.ts) and
 * compared with test/core/report/__golden__/. A change to a report shows as a diff of these
 * files; after an intended change: `npx vitest run test/core/report/golden.test.ts -u`.
 */
import { describe, expect, it } from "vitest";
import { STREAMS } from "../../../src/core/gate.ts";
import { gateCheckRun, streamCheckRun } from "../../../src/core/report/check-runs.ts";
import { renderHtml } from "../../../src/core/report/html.ts";
import { renderJson } from "../../../src/core/report/json.ts";
import { renderMarkdown } from "../../../src/core/report/markdown.ts";
import { renderSarif } from "../../../src/core/report/sarif.ts";
import { renderText } from "../../../src/core/report/text.ts";
import { configChanges } from "../../../src/github/config.ts";
import { goldenConfig, goldenHead, goldenResult } from "./golden-fixture.ts";

const golden = (name: string) => `./__golden__/${name}`;

describe("reports match their golden files", async () => {
  const result = await goldenResult();
  const head = goldenHead();

  it("text (check --format text)", async () => {
    await expect(renderText(result)).toMatchFileSnapshot(golden("check.txt"));
  });

  it("json (check --format json)", async () => {
    await expect(renderJson(result)).toMatchFileSnapshot(golden("check.json"));
  });

  it("markdown (check --format markdown)", async () => {
    await expect(renderMarkdown(result)).toMatchFileSnapshot(golden("check.md"));
  });

  it("html (check --format html)", async () => {
    await expect(renderHtml(result, { components: goldenConfig().acc?.components })).toMatchFileSnapshot(
      golden("check.html"),
    );
  });

  it("SARIF (check --format sarif)", async () => {
    await expect(renderSarif(result, { toolVersion: "0.0.0-golden" })).toMatchFileSnapshot(
      golden("check.sarif.json"),
    );
  });

  it("the four check runs: conclusion, title, summary and annotations", async () => {
    const headPaths = new Set(head.files.map((file) => file.path));
    const runs = [...STREAMS.map((name) => streamCheckRun(result, name, headPaths)), gateCheckRun(result)];
    await expect(`${JSON.stringify(runs, null, 2)}\n`).toMatchFileSnapshot(golden("check-runs.json"));
  });

  it("the sticky PR comment, with config changes and an explanation", async () => {
    const changes = configChanges(goldenConfig(), head, result.changedFiles);
    expect(changes.length).toBeGreaterThan(0);
    const explained = result.streams.acc.findings.find((f) => f.status === "new" && !f.suppressed)!;
    const explanations = new Map([
      [explained.id, "The domain layer now imports the UI layer, so a change to a page can break a rule."],
    ]);
    await expect(renderMarkdown(result, { configChanges: changes, explanations })).toMatchFileSnapshot(
      golden("sticky-comment.md"),
    );
  });
});
