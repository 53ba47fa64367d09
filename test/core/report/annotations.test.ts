import { describe, expect, it } from "vitest";
import type { ReportedFinding } from "../../../src/core/findings.ts";
import {
  batchAnnotations,
  type CheckAnnotation,
  findingAnnotations,
} from "../../../src/core/report/annotations.ts";
import { sampleResult } from "./result-fixture.ts";

function finding(overrides: Partial<ReportedFinding>): ReportedFinding {
  return {
    id: "0123456789ab",
    stream: "acc",
    rule: "layered",
    type: "layers",
    severity: "error",
    file: "src/a.ts",
    line: 4,
    target: "src/b.ts",
    message: "a imports b",
    status: "new",
    suppressed: false,
    suppressionId: null,
    ...overrides,
  };
}

describe("check-run annotations", () => {
  it("annotates new unsuppressed findings on files of the head commit only", async () => {
    const result = await sampleResult();
    const headPaths = new Set([
      "src/ui/page.ts",
      "src/domain/rule.ts",
      "src/data/repo.ts",
      "src/data/legacy/x.ts",
      "api/users.yaml",
    ]);
    const findings = [...result.streams.acc.findings, ...result.streams.dde.findings];
    const annotations = findingAnnotations(findings, headPaths);
    expect(annotations.map((a) => [a.path, a.start_line, a.annotation_level])).toEqual([
      ["src/domain/rule.ts", 1, "failure"],
      ["src/ui/page.ts", 2, "warning"],
      ["api/users.yaml", 1, "failure"], // no line: the first line of the file
    ]);
    expect(annotations[0]?.title).toBe("ACC layered (layers)");
    expect(annotations[0]?.message).toContain("Finding id: ");
  });

  it("maps severities to levels and puts columns only on single-line annotations", () => {
    const [info, withColumn, noLine] = findingAnnotations(
      [
        finding({ severity: "info" }),
        finding({ severity: "warning", column: 7 }),
        finding({ line: null, column: 3 }),
      ],
      new Set(["src/a.ts"]),
    );
    expect(info?.annotation_level).toBe("notice");
    expect(withColumn).toMatchObject({
      start_line: 4,
      end_line: 4,
      start_column: 7,
      end_column: 7,
      annotation_level: "warning",
    });
    expect(noLine).toMatchObject({ start_line: 1, end_line: 1 });
    expect(noLine).not.toHaveProperty("start_column");
  });

  it("keeps title ≤ 255 characters and message/raw_details ≤ 64 KB", () => {
    const [a] = findingAnnotations(
      [finding({ rule: "r".repeat(400), message: "é".repeat(50_000), details: "d".repeat(100_000) })],
      new Set(["src/a.ts"]),
    );
    expect(a!.title.length).toBeLessThanOrEqual(255);
    expect(new TextEncoder().encode(a!.message).byteLength).toBeLessThanOrEqual(65_536);
    expect(new TextEncoder().encode(a!.raw_details!).byteLength).toBeLessThanOrEqual(65_536);
    expect(a!.message.endsWith("…")).toBe(true);
  });

  it("batches 50 per request and lists what exceeds the cap as text", () => {
    const annotations: CheckAnnotation[] = Array.from({ length: 130 }, (_, i) => ({
      path: `src/f${i}.ts`,
      start_line: i + 1,
      end_line: i + 1,
      annotation_level: "failure",
      title: `ACC r${i}`,
      message: `message ${i}\n\nFinding id: x`,
    }));
    const all = batchAnnotations(annotations);
    expect(all.batches.map((b) => b.length)).toEqual([50, 50, 30]);
    expect(all.overflowCount).toBe(0);
    expect(all.overflowText).toBe("");

    const capped = batchAnnotations(annotations, 100);
    expect(capped.batches.map((b) => b.length)).toEqual([50, 50]);
    expect(capped.overflowCount).toBe(30);
    const lines = capped.overflowText.split("\n");
    expect(lines[0]).toBe("30 more findings not annotated:");
    expect(lines[1]).toBe("- `src/f100.ts:101` ACC r100: message 100");
    expect(lines).toHaveLength(31);
  });
});
