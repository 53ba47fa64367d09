import { describe, expect, it } from "vitest";
import type { AnalysisResult } from "../../../src/core/analysis-result.ts";
import type { ReportedFinding } from "../../../src/core/findings.ts";
import {
  escapeMarkdown,
  MAX_MARKDOWN_LENGTH,
  renderMarkdown,
  SUMMARY_MARKER,
} from "../../../src/core/report/markdown.ts";
import { sampleResult } from "./result-fixture.ts";

describe("markdown summary", () => {
  // Whole reports of a real run are golden files: __golden__/check.md and sticky-comment.md.
  it("starts with the hidden marker and the verdict, then the counts table", async () => {
    const md = renderMarkdown(await sampleResult());
    const lines = md.split("\n");
    expect(lines[0]).toBe(SUMMARY_MARKER);
    expect(lines[1]).toBe("## ❌ Maestro Hive: MIXED_FAILURE");
    expect(md).toContain("The gate fails for `c0ffee1`. ACC fail · BDV n/a · DDE fail → MIXED\\_FAILURE");
    expect(md).toContain("| ACC | ❌ fail | 2 | 1 | 1 | 1 |");
    expect(md).toContain("| BDV | ➖ not configured |  |  |  |  |");
    expect(md).toContain("| DDE | ❌ fail | 2 | 0 | 0 | 0 |");
  });

  it("reports an override with its actor and reason, escaped", async () => {
    const md = renderMarkdown(await sampleResult({ override: true }));
    expect(md.split("\n")[1]).toBe("## ✅ Maestro Hive: MIXED_FAILURE");
    expect(md).toContain("passes by override of @release-admin");
    expect(md).toContain("ship the &lt;hotfix&gt; @\u200bteam");
  });

  it("escapes injection attempts in messages", () => {
    const text = "x | y <img src=x onerror=alert(1)> [link](http://evil) @org/team ![i](http://i)";
    const escaped = escapeMarkdown(text);
    expect(escaped).not.toMatch(/<img|\]\(|@org/);
    expect(escaped).toContain("\\|");
    expect(escapeMarkdown("line\nbreak")).toBe("line break");
  });

  it("stays under 65,000 characters with thousands of findings, saying how many are not shown", async () => {
    const result = await sampleResult();
    const template = result.streams.acc.findings[0]!;
    const many: ReportedFinding[] = Array.from({ length: 5000 }, (_, i) => ({
      ...template,
      id: i.toString(16).padStart(12, "0"),
      file: `src/generated/very/long/path/module-${i}.ts`,
      message: `a long message ${"x".repeat(400)} ${i}`,
      status: "new",
      suppressed: false,
      suppressionId: null,
    }));
    const big: AnalysisResult = {
      ...result,
      streams: { ...result.streams, acc: { ...result.streams.acc, findings: many } },
    };
    const md = renderMarkdown(big);
    expect(md.length).toBeLessThanOrEqual(MAX_MARKDOWN_LENGTH);
    expect(md.length).toBeGreaterThan(MAX_MARKDOWN_LENGTH - 5000);
    const shown = md.split("\n").filter((line) => line.startsWith("| 🔴")).length;
    expect(shown).toBeGreaterThan(50);
    expect(md).toContain(`_… and ${5000 + 2 - shown} more new findings not shown — see the check runs._`);
    // The sections after the table survive the truncation.
    expect(md).toContain("### Suppressions");
    expect(renderMarkdown(big, { maxLength: 3000 }).length).toBeLessThanOrEqual(3000);
  });
});
