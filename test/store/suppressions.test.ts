import { describe, expect, it } from "vitest";
import { applySuppressions, compileSuppressions, mergeSuppressions } from "../../src/core/suppress/index.ts";
import { listAudit, verifyAudit } from "../../src/store/audit.ts";
import {
  addSuppression,
  expireSuppressions,
  getSuppression,
  listSuppressions,
  normalizeRepository,
  recordUsage,
  removeSuppression,
  syncConfigSuppressions,
  updateSuppression,
} from "../../src/store/suppressions.ts";
import { daysFrom, finding, NOW, suppression } from "../core/suppress/fixtures.ts";
import { describeEachDatabase } from "../harness/db.ts";

const REPO = "Acme/Widgets";
const who = { now: NOW, actor: "octocat" };

describe("normalizeRepository", () => {
  it("lowercases owner/name and rejects anything else", () => {
    expect(normalizeRepository(" Acme/Widgets ")).toBe("acme/widgets");
    expect(() => normalizeRepository("widgets")).toThrow(
      '"widgets" is not a repository name of the form owner/name',
    );
  });
});

describeEachDatabase("suppression store", (getDb) => {
  it("adds a validated suppression, scoped to its repository, with an audited creation", async () => {
    const { db } = getDb().store;
    const added = await addSuppression(
      db,
      REPO,
      {
        id: "legacy",
        level: "file",
        pattern: "src/legacy/**",
        justification: "rewrite in Q3",
        expires: "30d",
        source: "cli",
      },
      { ...who, chain: 0 },
    );
    expect(added.ok).toBe(true);
    const listed = await listSuppressions(db, "acme/widgets");
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      id: "legacy",
      author: "octocat",
      useCount: 0,
      source: "cli",
      adr: null,
    });
    expect(listed[0]?.expires?.toISOString()).toBe(daysFrom(NOW, 30).toISOString());
    expect(await listSuppressions(db, "acme/other")).toEqual([]);
    const [event] = await listAudit(db, { kind: "suppression.created", repository: "acme/widgets" });
    expect(event).toMatchObject({ actor: "octocat", subject: "legacy", repository: "acme/widgets" });
    expect(event?.created_at.toISOString()).toBe(NOW.toISOString());
    expect(event?.data).toMatchObject({ after: { pattern: "src/legacy/**" } });
  });

  it("rejects a duplicate id with 'already exists', and bad input with the validation message", async () => {
    const { db } = getDb().store;
    const dup = await addSuppression(
      db,
      REPO,
      { id: "legacy", level: "rule", pattern: "x", justification: "y", expires: "1d", source: "cli" },
      who,
    );
    expect(dup.ok).toBe(false);
    if (!dup.ok)
      expect(dup.errors[0]?.message).toBe('suppression "legacy" already exists in this repository');
    const bad = await addSuppression(
      db,
      REPO,
      {
        id: "r",
        level: "file",
        pattern: "(",
        patternType: "regex",
        justification: "y",
        expires: "1d",
        source: "cli",
      },
      who,
    );
    expect(!bad.ok && bad.errors[0]?.message).toMatch(/invalid regex/);
    // The same id in another repository is fine.
    const other = await addSuppression(
      db,
      "acme/other",
      { id: "legacy", level: "rule", pattern: "x", justification: "y", expires: "1d", source: "cli" },
      who,
    );
    expect(other.ok).toBe(true);
  });

  it("updates with before/after in the audit, refusing an invalid change", async () => {
    const { db } = getDb().store;
    const refused = await updateSuppression(db, REPO, "legacy", { expires: daysFrom(NOW, -1) }, who);
    expect(!refused.ok && refused.errors[0]?.message).toContain("is in the past");
    const updated = await updateSuppression(db, REPO, "legacy", { justification: "rewrite in Q4" }, who);
    expect(updated.ok && updated.after.justification).toBe("rewrite in Q4");
    const [event] = await listAudit(db, { kind: "suppression.updated" });
    const data = event?.data as { before: { justification: string }; after: { justification: string } };
    expect([data.before.justification, data.after.justification]).toEqual(["rewrite in Q3", "rewrite in Q4"]);
    const missing = await updateSuppression(db, REPO, "nope", { justification: "x" }, who);
    expect(!missing.ok && missing.errors[0]?.message).toBe('suppression "nope" does not exist');
  });

  it("removes with an audited before-state; removing again returns null", async () => {
    const { db } = getDb().store;
    const removed = await removeSuppression(db, "acme/other", "legacy", { ...who, reason: "fixed" });
    expect(removed?.id).toBe("legacy");
    expect(await removeSuppression(db, "acme/other", "legacy", who)).toBeNull();
    const [event] = await listAudit(db, { kind: "suppression.removed" });
    expect(event?.data).toMatchObject({ reason: "fixed", before: { id: "legacy", pattern: "x" } });
    expect(await getSuppression(db, "acme/other", "legacy")).toBeNull();
  });

  it("ACC-207 in the database: the expiry sweep removes the expired entries, keeps future and permanent ones, audits each", async () => {
    const { db } = getDb().store;
    const repo = "acme/sweep";
    const base = { level: "rule" as const, pattern: "x", justification: "y", source: "cli" as const };
    const created = daysFrom(NOW, -60);
    for (const [id, expires] of [
      ["a-past", daysFrom(NOW, -1)],
      ["b-past", daysFrom(NOW, -30)],
      ["future", daysFrom(NOW, 10)],
    ] as const) {
      expect((await addSuppression(db, repo, { ...base, id, expires }, { ...who, now: created })).ok).toBe(
        true,
      );
    }
    expect((await addSuppression(db, repo, { ...base, id: "forever", permanent: true }, who)).ok).toBe(true);
    const expired = await expireSuppressions(db, { ...who, actor: "maestro-hive", repository: repo });
    expect(expired.map((s) => s.id)).toEqual(["a-past", "b-past"]);
    expect((await listSuppressions(db, repo)).map((s) => s.id)).toEqual(["forever", "future"]);
    const events = await listAudit(db, { kind: "suppression.expired", repository: repo });
    expect(events.map((e) => [e.subject, e.actor])).toEqual([
      ["a-past", "maestro-hive"],
      ["b-past", "maestro-hive"],
    ]);
    expect((await verifyAudit(db)).ok).toBe(true);
  });

  it("records usage atomically: 40 parallel analyses, no lost increments, last_used_at never moves back", async () => {
    const { db } = getDb().store;
    const repo = "acme/busy";
    const base = {
      level: "file" as const,
      pattern: "**",
      justification: "y",
      expires: "30d",
      source: "cli" as const,
    };
    await addSuppression(db, repo, { ...base, id: "hot" }, who);
    await addSuppression(db, repo, { ...base, id: "warm" }, who);
    const analyses = Array.from({ length: 40 }, (_, i) =>
      recordUsage(
        db,
        repo,
        new Map([
          ["hot", i + 1],
          ["warm", 1],
          ["not-in-db", 5],
        ]),
        daysFrom(NOW, (i % 5) / 10),
      ),
    );
    const updatedRows = await Promise.all(analyses);
    expect(updatedRows.every((n) => n === 2)).toBe(true);
    const [hot, warm] = await listSuppressions(db, repo);
    expect(hot?.useCount).toBe((40 * 41) / 2);
    expect(warm?.useCount).toBe(40);
    expect(hot?.lastUsedAt?.toISOString()).toBe(daysFrom(NOW, 0.4).toISOString());
    await recordUsage(db, repo, new Map([["hot", 1]]), daysFrom(NOW, -5));
    expect((await getSuppression(db, repo, "hot"))?.lastUsedAt?.toISOString()).toBe(
      daysFrom(NOW, 0.4).toISOString(),
    );
    expect(await recordUsage(db, repo, new Map(), NOW)).toBe(0);
  });

  it("with a pool, concurrent analyses on separate connections still lose nothing", async () => {
    const database = getDb();
    const { db } = database.store;
    const repo = "acme/pool";
    await addSuppression(
      db,
      repo,
      { id: "shared", level: "rule", pattern: "*", justification: "y", expires: "30d", source: "cli" },
      who,
    );
    // Each "analysis" reads the list, matches, and records its usage in its own transaction.
    const analysis = async (i: number) => {
      const list = await listSuppressions(db, repo);
      const applied = applySuppressions(
        Array.from({ length: 3 }, (_, j) => finding({ id: `f${i}-${j}` })),
        compileSuppressions(list, { now: NOW }),
      );
      await db.transaction().execute((trx) => recordUsage(trx, repo, applied.usage, NOW));
    };
    await Promise.all(Array.from({ length: 25 }, (_, i) => analysis(i)));
    expect((await getSuppression(db, repo, "shared"))?.useCount).toBe(75);
  });

  it("syncs config entries as usage records that merge back without ever applying alone", async () => {
    const { db } = getDb().store;
    const repo = "acme/config";
    const entry = suppression({ id: "cfg", level: "file", pattern: "a/**", source: "config", stream: "acc" });
    await syncConfigSuppressions(db, repo, [entry], NOW);
    await recordUsage(db, repo, new Map([["cfg", 4]]), NOW);
    await syncConfigSuppressions(db, repo, [{ ...entry, pattern: "b/**" }], NOW);
    const rows = await listSuppressions(db, repo);
    expect(rows.map((s) => [s.id, s.source, s.pattern, s.useCount])).toEqual([["cfg", "config", "b/**", 4]]);
    const merged = mergeSuppressions([{ ...entry, pattern: "b/**" }], rows);
    expect(merged.suppressions.map((s) => [s.id, s.useCount, s.stream])).toEqual([["cfg", 4, "acc"]]);
    expect(mergeSuppressions([], rows).suppressions).toEqual([]);
    await syncConfigSuppressions(db, repo, [], NOW);
    expect(await listSuppressions(db, repo)).toEqual([]);
  });
});
