import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../../src/core/analyze.ts";
import { readReport } from "../../../../src/core/bdv/results/index.ts";
import type { ExecutedInput, Execution } from "../../../../src/core/bdv/results/judge.ts";
import type { Quarantine } from "../../../../src/core/bdv/results/quarantine.ts";
import { configSchema } from "../../../../src/core/config/schema.ts";
import { renderMarkdown } from "../../../../src/core/report/markdown.ts";
import { snapshotOf } from "../helpers.ts";

const SUITE = join(import.meta.dirname, "../../../fixtures/bdv-results/cucumber-js");
const NOW = new Date("2026-12-06T12:00:00Z");
const HEAD = "1".repeat(40);

function suiteSnapshot(stepsSuffix = "") {
  const read = (path: string) => readFileSync(join(SUITE, path), "utf8");
  return snapshotOf(
    {
      "cucumber.json": read("cucumber.json"),
      "features/orders.feature": read("features/orders.feature"),
      "features/payments.feature": read("features/payments.feature"),
      "features/steps/steps.mjs": read("features/steps/steps.mjs") + stepsSuffix,
    },
    HEAD,
  );
}

function executions(attempt: 1 | 2, headSha = HEAD, minutes = 0): Execution[] {
  const text = readFileSync(join(SUITE, `reports/attempt-${attempt}/messages.ndjson`), "utf8");
  return readReport("messages", "m.ndjson", text).results.map((result) => ({
    ...result,
    headSha,
    workflowRunId: 500,
    runAttempt: attempt,
    recordedAt: new Date(NOW.getTime() - 3_600_000 + minutes * 60_000),
    featureBlob: null,
    stepBlobs: null,
  }));
}

const config = configSchema.parse({
  bdv: { results: [{ artifact: "cucumber-report", format: "messages" }], resultsTimeout: "30m" },
  gate: { streams: ["bdv"] },
});

function executed(partial: Partial<ExecutedInput>): ExecutedInput {
  return {
    sources: [{ artifact: "cucumber-report", format: "messages" }],
    timeoutMs: 30 * 60_000,
    since: new Date(NOW.getTime() - 60_000),
    now: NOW,
    reports: [],
    results: [],
    history: [],
    quarantines: [],
    ...partial,
  };
}

const read = (attempt: number) => ({
  workflowRunId: 500,
  runAttempt: attempt,
  artifact: "cucumber-report",
  status: "read" as const,
  problems: [],
});

function bdvFindings(result: Awaited<ReturnType<typeof analyze>>) {
  return result.streams.bdv.findings
    .filter((f) => /scenario|contract-unfulfilled|results/.test(f.type))
    .map((f) => [f.type, f.severity, f.target]);
}

describe("BDV on executed results", () => {
  it("reports failed scenarios with their errors and the unfulfilled contract; the fulfilled one passes", async () => {
    const result = await analyze({
      head: suiteSnapshot(),
      config,
      now: NOW,
      executed: executed({ reports: [read(2)], results: executions(2) }),
    });
    expect(bdvFindings(result)).toEqual([
      ["contract-unfulfilled", "error", "Orders:v1"],
      ["scenario-failed", "error", "bfe43830b3e1"],
      ["scenario-failed", "error", "196f94ba0495"],
    ]);
    const refund = result.streams.bdv.findings.find((f) => f.target === "bfe43830b3e1")!;
    expect(refund).toMatchObject({ file: "features/orders.feature", line: 9 });
    expect(refund.message).toContain("2 !== 5");
    const contract = result.streams.bdv.findings.find((f) => f.type === "contract-unfulfilled")!;
    expect(contract).toMatchObject({ file: "features/orders.feature", line: 1 });
    expect(contract.message).toContain("2 of 4 scenarios tagged for it failed");
    expect(result.executed?.summary.contracts).toEqual([
      { contract: "Orders:v1", fulfilled: false, ran: 4, failed: 2, quarantined: 0 },
      { contract: "Payments:v1", fulfilled: true, ran: 1, failed: 0, quarantined: 0 },
    ]);
    expect(result.streams.bdv.passed).toBe(false);
  });

  it("finds a scenario flaky across two attempts on one commit: a warning when it passed last, with its flake rate", async () => {
    const result = await analyze({
      head: suiteSnapshot(),
      config,
      now: NOW,
      executed: executed({ reports: [read(1), read(2)], results: [...executions(1), ...executions(2)] }),
    });
    expect(result.executed?.summary.flaky).toEqual([
      expect.objectContaining({ id: "5d15ce973aa9", flips: 1, comparable: 1, rate: 100, latest: "passed" }),
    ]);
    expect(bdvFindings(result)).toContainEqual(["scenario-flaky", "warning", "5d15ce973aa9"]);
  });

  it("counts flips on other commits only where the feature and step files are unchanged", async () => {
    const head = suiteSnapshot();
    const first = await analyze({
      head,
      config,
      now: NOW,
      executed: executed({ reports: [read(2)], results: executions(2) }),
    });
    const fingerprint = first.executed!.fingerprints.get("features/payments.feature")!;
    expect(fingerprint.stepBlobs).toEqual([
      head.files.find((f) => f.path === "features/steps/steps.mjs")!.blobSha,
    ]);
    const older = executions(1, "2".repeat(40), -30).map((e) => ({ ...e, ...fingerprint }));
    const same = await analyze({
      head,
      config,
      now: NOW,
      executed: executed({ reports: [read(2)], results: executions(2), history: older }),
    });
    expect(same.executed?.summary.flaky.map((f) => f.id)).toEqual(["5d15ce973aa9"]);
    const changedSteps = await analyze({
      head: suiteSnapshot("\n// changed\n"),
      config,
      now: NOW,
      executed: executed({ reports: [read(2)], results: executions(2), history: older }),
    });
    expect(changedSteps.executed?.summary.flaky).toEqual([]);
  });

  it("a quarantine keeps a failure from failing the stream and from unfulfilling its contract", async () => {
    const quarantines: Quarantine[] = [
      {
        scope: "bfe43830b3e1",
        reason: "refunds move to v2",
        author: "octocat",
        createdAt: NOW,
        expires: new Date("2026-12-20T00:00:00Z"),
      },
      {
        scope: "feature:features/orders.feature",
        reason: "expired",
        author: "octocat",
        createdAt: NOW,
        expires: new Date("2026-12-01T00:00:00Z"),
      },
    ];
    const result = await analyze({
      head: suiteSnapshot(),
      config,
      now: NOW,
      executed: executed({ reports: [read(2)], results: executions(2), quarantines }),
    });
    expect(bdvFindings(result)).toEqual([
      ["contract-unfulfilled", "error", "Orders:v1"],
      ["scenario-failed", "error", "196f94ba0495"],
      ["scenario-quarantined", "info", "bfe43830b3e1"],
    ]);
    expect(result.executed?.summary.contracts[0]).toEqual({
      contract: "Orders:v1",
      fulfilled: false,
      ran: 4,
      failed: 1,
      quarantined: 1,
    });
    expect(result.executed?.summary.quarantines.map((q) => q.scope)).toEqual(["bfe43830b3e1"]);
    const body = renderMarkdown(result);
    expect(body).toContain("### Executed scenarios (CI)");
    expect(body).toContain("| Orders:v1 | ❌ no | 4 | 1 | 1 |");
    expect(body).toContain("`bfe43830b3e1` until 2026-12-20 by @\u200boctocat: refunds move to v2");
  });

  it("waits for a configured source (a warning), then reports it missing after the timeout or when the run had no artifact", async () => {
    const pending = await analyze({ head: suiteSnapshot(), config, now: NOW, executed: executed({}) });
    expect(bdvFindings(pending)).toEqual([["results-pending", "warning", "cucumber-report"]]);
    const late = await analyze({
      head: suiteSnapshot(),
      config,
      now: NOW,
      executed: executed({ since: new Date(NOW.getTime() - 31 * 60_000) }),
    });
    expect(bdvFindings(late)).toEqual([["results-missing", "error", "cucumber-report"]]);
    expect(late.streams.bdv.findings[0]!.message).toContain("within 30 min");
    expect(late.streams.bdv.passed).toBe(false);
    const noArtifact = await analyze({
      head: suiteSnapshot(),
      config,
      now: NOW,
      executed: executed({
        reports: [
          { ...read(1), status: "missing", problems: ["the run has no artifact named cucumber-report"] },
        ],
      }),
    });
    expect(noArtifact.streams.bdv.findings.map((f) => f.message)).toContainEqual(
      expect.stringContaining("workflow run 500 (attempt 1) completed without a readable messages artifact"),
    );
  });

  it("escapes error text from CI in the sticky comment", async () => {
    const hostile = executions(2).map((e) =>
      e.name === "Refund an order"
        ? { ...e, error: "<img src=x onerror=alert(1)> @admin [x](http://evil)" }
        : e,
    );
    const body = renderMarkdown(
      await analyze({
        head: suiteSnapshot(),
        config,
        now: NOW,
        executed: executed({ reports: [read(2)], results: hostile }),
      }),
    );
    expect(body).not.toContain("<img");
    expect(body).not.toContain("@admin");
    expect(body).not.toContain("[x](http");
  });
});
