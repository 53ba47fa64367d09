import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { appendAudit, exportAudit, GENESIS_HASH, listAudit, verifyAudit } from "../../src/store/audit.ts";
import { canonicalJson } from "../../src/store/canonical-json.ts";
import { describeEachDatabase } from "../harness/db.ts";

describe("canonicalJson", () => {
  it("sorts keys at every depth and encodes dates as ISO strings", () => {
    expect(
      canonicalJson({ b: 1, a: { d: [2, { y: 1, x: 0 }], c: new Date("2026-01-02T03:04:05.678Z") } }),
    ).toBe('{"a":{"c":"2026-01-02T03:04:05.678Z","d":[2,{"x":0,"y":1}]},"b":1}');
  });
});

describeEachDatabase("audit trail", (getDb) => {
  it("chains each installation's events from the genesis hash", async () => {
    const { db } = getDb().store;
    const first = await appendAudit(db, {
      chain: 11,
      kind: "delivery.received",
      subject: "d-1",
      data: { z: 1, a: [1, 2] },
    });
    const second = await appendAudit(db, {
      chain: 11,
      kind: "analysis.completed",
      actor: "maestro-hive[bot]",
      repository: "octo/app",
      prNumber: 7,
      data: { verdict: "ALL_PASS" },
    });
    const otherChain = await appendAudit(db, { chain: 12, kind: "command", actor: "alice" });
    expect(first.prev_hash).toBe(GENESIS_HASH);
    expect(second.prev_hash).toBe(first.hash);
    expect(otherChain.prev_hash).toBe(GENESIS_HASH);
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(second.data).toEqual({ verdict: "ALL_PASS" });
    const verification = await verifyAudit(db);
    expect(verification).toMatchObject({ ok: true, breaks: [] });
    expect(verification.events).toBeGreaterThanOrEqual(3);
  });

  it("keeps one unforked chain under concurrent appends", async () => {
    const { db } = getDb().store;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        appendAudit(db, { chain: 21, kind: "command", actor: `user${i}`, data: { i } }),
      ),
    );
    const rows = await listAudit(db, { chain: 21 });
    expect(rows).toHaveLength(20);
    const prevs = new Set(rows.map((r) => r.prev_hash));
    expect(prevs.size).toBe(20);
    for (let i = 1; i < rows.length; i++) expect(rows[i]?.prev_hash).toBe(rows[i - 1]?.hash);
    expect((await verifyAudit(db, { chain: 21 })).ok).toBe(true);
  });

  it("refuses UPDATE, DELETE and TRUNCATE", async () => {
    const { db } = getDb().store;
    const row = await appendAudit(db, { chain: 31, kind: "override.created", actor: "admin" });
    await expect(
      db.updateTable("audit_events").set({ actor: "mallory" }).where("seq", "=", row.seq).execute(),
    ).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom("audit_events").where("seq", "=", row.seq).execute()).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`truncate audit_events`.execute(db)).rejects.toThrow(/append-only/);
    const still = await listAudit(db, { chain: 31 });
    expect(still.map((r) => r.actor)).toEqual(["admin"]);
  });

  it("filters by repository, pull request, actor, kind family and time", async () => {
    const { db } = getDb().store;
    const before = new Date(Date.now() - 60_000);
    await appendAudit(db, {
      chain: 41,
      kind: "suppression.created",
      actor: "bob",
      repository: "octo/lib",
      prNumber: 3,
      at: before,
    });
    await appendAudit(db, {
      chain: 41,
      kind: "suppression.removed",
      actor: "carol",
      repository: "octo/lib",
      prNumber: 3,
    });
    await appendAudit(db, { chain: 41, kind: "command", actor: "bob", repository: "octo/lib", prNumber: 4 });
    expect((await listAudit(db, { repository: "octo/lib", prNumber: 3 })).map((r) => r.kind)).toEqual([
      "suppression.created",
      "suppression.removed",
    ]);
    expect((await listAudit(db, { repository: "octo/lib", actor: "bob" })).map((r) => r.pr_number)).toEqual([
      3, 4,
    ]);
    expect((await listAudit(db, { repository: "octo/lib", kind: "suppression" })).length).toBe(2);
    expect(
      (await listAudit(db, { repository: "octo/lib", since: new Date(Date.now() - 30_000) })).length,
    ).toBe(2);
    const lines = (await exportAudit(db, { repository: "octo/lib" })).trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0] ?? "")).toMatchObject({
      kind: "suppression.created",
      actor: "bob",
      chain: 41,
    });
  });

  it("names the first row of a chain that was tampered with behind the trigger's back", async () => {
    const { db } = getDb().store;
    const rows = [];
    for (let i = 0; i < 4; i++)
      rows.push(await appendAudit(db, { chain: 51, kind: "publication", data: { i } }));
    const victim = rows[1];
    if (!victim) throw new Error("unreachable");
    await sql`alter table audit_events disable trigger audit_events_append_only`.execute(db);
    try {
      await db
        .updateTable("audit_events")
        .set({ data: JSON.stringify({ i: 99 }) })
        .where("seq", "=", victim.seq)
        .execute();
    } finally {
      await sql`alter table audit_events enable trigger audit_events_append_only`.execute(db);
    }
    const result = await verifyAudit(db);
    expect(result.ok).toBe(false);
    expect(result.breaks).toEqual([expect.objectContaining({ chain: 51, seq: victim.seq, reason: "hash" })]);

    const third = rows[2];
    if (!third) throw new Error("unreachable");
    await appendAudit(db, { chain: 52, kind: "publication" });
    const gone = await appendAudit(db, { chain: 52, kind: "publication" });
    const after = await appendAudit(db, { chain: 52, kind: "publication" });
    await sql`alter table audit_events disable trigger audit_events_append_only`.execute(db);
    try {
      await db.deleteFrom("audit_events").where("seq", "=", gone.seq).execute();
    } finally {
      await sql`alter table audit_events enable trigger audit_events_append_only`.execute(db);
    }
    const deleted = await verifyAudit(db, { chain: 52 });
    expect(deleted.breaks).toEqual([
      expect.objectContaining({ chain: 52, seq: after.seq, reason: "prev_hash" }),
    ]);
  });
});
