import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readReport } from "../../src/core/bdv/results/index.ts";
import { createQuarantine, quarantineOf } from "../../src/core/bdv/results/quarantine.ts";
import { listAudit, verifyAudit } from "../../src/store/audit.ts";
import {
  addQuarantine,
  expireQuarantines,
  historyOf,
  listQuarantines,
  recordFingerprints,
  removeQuarantine,
  reportsOf,
  resultsOf,
  saveReport,
} from "../../src/store/bdv-results.ts";
import { describeEachDatabase } from "../harness/db.ts";

const FIXTURES = join(import.meta.dirname, "../fixtures/bdv-results/cucumber-js/reports");
const REPO = "Acme/Shop";
const HEAD = "a".repeat(40);
const NOW = new Date("2026-12-06T12:00:00Z");

function attempt(n: 1 | 2) {
  return readReport(
    "messages",
    "m.ndjson",
    readFileSync(join(FIXTURES, `attempt-${n}/messages.ndjson`), "utf8"),
  );
}

const key = (runAttempt: number, headSha = HEAD, workflowRunId = 77, repository = REPO) => ({
  repository,
  headSha,
  workflowRunId,
  runAttempt,
  artifact: "cucumber-report",
  format: "messages" as const,
});

describe("quarantine model", () => {
  it("refuses a scope that is neither a scenario id nor feature:GLOB, a missing reason, a too long expiry", () => {
    const author = "octocat";
    expect(createQuarantine({ scope: "Pay by card", reason: "x", author }, NOW)).toMatchObject({ ok: false });
    expect(createQuarantine({ scope: "feature:../x", reason: "x", author }, NOW)).toMatchObject({
      ok: false,
    });
    expect(createQuarantine({ scope: "5d15ce973aa9", reason: " ", author }, NOW)).toMatchObject({
      ok: false,
      error: expect.stringContaining("reason"),
    });
    expect(
      createQuarantine({ scope: "5d15ce973aa9", reason: "x", author, expires: "200d" }, NOW),
    ).toMatchObject({
      ok: false,
      error: "a quarantine lasts at most 90 days",
    });
    const made = createQuarantine({ scope: "feature:features/pay*.feature", reason: "gateway", author }, NOW);
    if (!made.ok) throw new Error(made.error);
    expect(made.quarantine.expires.toISOString()).toBe("2026-12-20T12:00:00.000Z");
    const scenario = { id: "5d15ce973aa9", feature: "features/payments.feature" };
    expect(quarantineOf([made.quarantine], scenario, NOW)).toBe(made.quarantine);
    expect(quarantineOf([made.quarantine], scenario, new Date("2026-12-21T00:00:00Z"))).toBeNull();
    expect(
      quarantineOf([made.quarantine], { ...scenario, feature: "features/orders.feature" }, NOW),
    ).toBeNull();
  });
});

describeEachDatabase("BDV results store", (getDb) => {
  it("stores each scenario of a report per commit, run and attempt; a redelivery replaces, never duplicates", async () => {
    const { db } = getDb().store;
    await saveReport(db, key(1), { status: "read", problems: [], results: attempt(1).results }, NOW);
    await saveReport(db, key(1), { status: "read", problems: [], results: attempt(1).results }, NOW);
    await saveReport(db, key(2), { status: "read", problems: [], results: attempt(2).results }, NOW);
    const stored = await resultsOf(db, REPO, HEAD);
    expect(stored).toHaveLength(12);
    const pay = stored.filter((r) => r.name === "Pay by card");
    expect(pay.map((r) => [r.runAttempt, r.status])).toEqual([
      [1, "failed"],
      [2, "passed"],
    ]);
    expect(pay[0]).toMatchObject({
      contracts: ["Payments:v1"],
      tags: ["@contract:Payments:v1"],
      featureBlob: null,
    });
    expect(pay[0]!.error).toContain("card gateway timed out");
    const reports = await reportsOf(db, "acme/shop", HEAD);
    expect(reports.map((r) => [r.runAttempt, r.status])).toEqual([
      [1, "read"],
      [2, "read"],
    ]);
  });

  it("records a missing artifact as a report without scenarios", async () => {
    const { db } = getDb().store;
    const head = "b".repeat(40);
    await saveReport(
      db,
      key(1, head),
      { status: "missing", problems: ["no artifact cucumber-report"], results: [] },
      NOW,
    );
    expect(await reportsOf(db, REPO, head)).toEqual([
      expect.objectContaining({ status: "missing", problems: ["no artifact cucumber-report"] }),
    ]);
    expect(await resultsOf(db, REPO, head)).toEqual([]);
  });

  it("keeps fingerprints per feature file and a history window per scenario on other commits", async () => {
    const { db } = getDb().store;
    const heads = ["c", "d", "e"].map((letter) => letter.repeat(40));
    for (const [index, head] of heads.entries()) {
      const at = new Date(NOW.getTime() + index * 60_000);
      await saveReport(
        db,
        key(1, head, 100 + index, "acme/history"),
        { status: "read", problems: [], results: attempt(((index % 2) + 1) as 1 | 2).results },
        at,
      );
      await recordFingerprints(
        db,
        "acme/history",
        head,
        new Map([["features/payments.feature", { featureBlob: "f1", stepBlobs: ["s1"] }]]),
      );
    }
    const history = await historyOf(db, "acme/history", ["5d15ce973aa9"], heads[2]!, 20);
    expect(history.map((r) => [r.headSha[0], r.status, r.featureBlob, r.stepBlobs])).toEqual([
      ["d", "passed", "f1", ["s1"]],
      ["c", "failed", "f1", ["s1"]],
    ]);
    expect(await historyOf(db, "acme/history", ["5d15ce973aa9"], heads[2]!, 1)).toHaveLength(1);
  });

  it("adds, renews, removes and expires quarantines, each audited on the chain", async () => {
    const { db } = getDb().store;
    const context = { now: NOW, actor: "octocat", chain: 0, prNumber: 7 };
    const made = createQuarantine(
      { scope: "5d15ce973aa9", reason: "gateway flakes", author: "octocat", expires: "1d" },
      NOW,
    );
    if (!made.ok) throw new Error(made.error);
    expect(await addQuarantine(db, REPO, made.quarantine, context)).toEqual({ renewed: false });
    expect(await addQuarantine(db, REPO, made.quarantine, context)).toEqual({ renewed: true });
    expect(await listQuarantines(db, REPO)).toEqual([made.quarantine]);
    const other = createQuarantine(
      { scope: "feature:features/orders.feature", reason: "r", author: "hubot" },
      NOW,
    );
    if (!other.ok) throw new Error(other.error);
    await addQuarantine(db, REPO, other.quarantine, context);
    expect(await removeQuarantine(db, REPO, "feature:features/orders.feature", context)).toEqual(
      other.quarantine,
    );
    expect(await removeQuarantine(db, REPO, "feature:features/orders.feature", context)).toBeNull();
    const later = { ...context, now: new Date(NOW.getTime() + 2 * 86_400_000), actor: "maestro-hive" };
    expect(await expireQuarantines(db, REPO, later)).toEqual([made.quarantine]);
    expect(await listQuarantines(db, REPO)).toEqual([]);
    const kinds = (await listAudit(db, { repository: "acme/shop" })).map((e) => [e.kind, e.subject]);
    expect(kinds.filter(([kind]) => String(kind).startsWith("quarantine."))).toEqual([
      ["quarantine.created", "quarantine:5d15ce973aa9"],
      ["quarantine.created", "quarantine:5d15ce973aa9"],
      ["quarantine.created", "quarantine:feature:features/orders.feature"],
      ["quarantine.removed", "quarantine:feature:features/orders.feature"],
      ["quarantine.expired", "quarantine:5d15ce973aa9"],
    ]);
    expect((await verifyAudit(db)).ok).toBe(true);
  });
});
