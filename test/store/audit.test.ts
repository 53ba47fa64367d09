import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import {
  type AnchorInput,
  appendAudit,
  auditHash,
  chainHeads,
  exportAudit,
  GENESIS_HASH,
  listAudit,
  parseAnchor,
  takeAnchor,
  verifyAudit,
} from "../../src/store/audit.ts";
import { canonicalJson } from "../../src/store/canonical-json.ts";
import type { AuditEvent } from "../../src/store/schema.ts";
import { describeEachDatabase } from "../harness/db.ts";

/**
 * Audit row hashes are stored and chained: their formula must never change. The literals were
 * computed outside the code (Python): sha256 over json.dumps(fields, sort_keys=True,
 * separators=(",", ":"), ensure_ascii=False), fields being chain, prev_hash, kind, actor,
 * repository, pr_number, subject, data and created_at (ISO 8601 with milliseconds, UTC).
 */
const PINNED_FIRST = {
  chain: 7,
  prev_hash: GENESIS_HASH,
  kind: "suppression.created",
  actor: "ann",
  repository: "acme/web",
  pr_number: 12,
  subject: "s-1",
  data: { b: [1, { y: 2, x: 1 }], a: "é" },
  created_at: new Date("2026-11-24T12:00:00.123Z"),
};
const PINNED_FIRST_HASH = "e2383f067c1d251e0527337dbaa1141d4c0847ea81b34ec5a0d91bc730864fc3";
const PINNED_SECOND = {
  chain: 7,
  prev_hash: PINNED_FIRST_HASH,
  kind: "command",
  actor: null,
  repository: null,
  pr_number: null,
  subject: null,
  data: {},
  created_at: new Date("2026-11-24T12:00:01.000Z"),
};
const PINNED_SECOND_HASH = "70ff104a558be68c6bd991214a7683de5d4c4dd1f5132fbaa30f1c68e1eefefb";

describe("auditHash", () => {
  it("is the pinned sha256 of the canonical JSON of every field, the previous hash included", () => {
    expect(auditHash(PINNED_FIRST)).toBe(PINNED_FIRST_HASH);
    expect(auditHash(PINNED_SECOND)).toBe(PINNED_SECOND_HASH);
  });
});

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

  it("stores rows whose hashes are the pinned literals", async () => {
    const { db } = getDb().store;
    const first = await appendAudit(db, {
      chain: 7,
      kind: "suppression.created",
      actor: "ann",
      repository: "acme/web",
      prNumber: 12,
      subject: "s-1",
      data: { b: [1, { y: 2, x: 1 }], a: "é" },
      at: new Date("2026-11-24T12:00:00.123Z"),
    });
    const second = await appendAudit(db, { chain: 7, kind: "command", at: new Date("2026-11-24T12:00:01Z") });
    expect([first.prev_hash, first.hash]).toEqual([GENESIS_HASH, PINNED_FIRST_HASH]);
    expect([second.prev_hash, second.hash]).toEqual([PINNED_FIRST_HASH, PINNED_SECOND_HASH]);
    expect((await verifyAudit(db, { chain: 7 })).ok).toBe(true);
    // The rows returned are built from what was written and the numbers the database gave: the
    // same as reading them back.
    expect(await listAudit(db, { chain: 7 })).toEqual([first, second]);
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

  /** Rows changed behind the trigger's back, as the table's owner (or a superuser) could. */
  async function bypassingTrigger(run: () => Promise<unknown>): Promise<void> {
    const { db } = getDb().store;
    await sql`alter table audit_events disable trigger audit_events_append_only`.execute(db);
    try {
      await run();
    } finally {
      await sql`alter table audit_events enable trigger audit_events_append_only`.execute(db);
    }
  }

  async function chainOf(chain: number, length: number): Promise<AuditEvent[]> {
    const rows: AuditEvent[] = [];
    for (let i = 0; i < length; i++) {
      rows.push(
        await appendAudit(getDb().store.db, {
          chain,
          kind: "suppression.created",
          actor: "ann",
          repository: "acme/web",
          prNumber: 3,
          subject: `s-${i}`,
          data: { i },
          at: new Date(Date.UTC(2026, 10, 24, 12, 0, i)),
        }),
      );
    }
    return rows;
  }

  function row(rows: readonly AuditEvent[], index: number): AuditEvent {
    const found = rows[index];
    if (!found) throw new Error(`no row ${index}`);
    return found;
  }

  /** What a forger with UPDATE/DELETE rights does after a change: recompute every later link. */
  async function recomputeFrom(chain: number, seq: number): Promise<void> {
    const { db } = getDb().store;
    const rows = await listAudit(db, { chain });
    let prev = rows.filter((r) => r.seq < seq).at(-1)?.hash ?? GENESIS_HASH;
    for (const r of rows.filter((r) => r.seq >= seq)) {
      const hash = auditHash({
        chain: r.chain,
        prev_hash: prev,
        kind: r.kind,
        actor: r.actor,
        repository: r.repository,
        pr_number: r.pr_number,
        subject: r.subject,
        data: r.data,
        created_at: r.created_at,
      });
      await db.updateTable("audit_events").set({ prev_hash: prev, hash }).where("seq", "=", r.seq).execute();
      prev = hash;
    }
  }

  const COLUMN_TAMPERING: Array<[string, Record<string, unknown>, "hash" | "prev_hash"]> = [
    ["kind", { kind: "suppression.removed" }, "hash"],
    ["actor", { actor: "mallory" }, "hash"],
    ["repository", { repository: "acme/other" }, "hash"],
    ["pr_number", { pr_number: 4 }, "hash"],
    ["subject", { subject: "s-99" }, "hash"],
    ["data", { data: JSON.stringify({ i: 99 }) }, "hash"],
    ["created_at", { created_at: new Date("2026-11-24T13:00:00Z") }, "hash"],
    ["hash", { hash: "f".repeat(64) }, "hash"],
    ["prev_hash", { prev_hash: GENESIS_HASH }, "prev_hash"],
  ];

  it.each(COLUMN_TAMPERING)("names the row whose %s was changed", async (_column, change, reason) => {
    const chain = 100 + COLUMN_TAMPERING.findIndex(([column]) => column === _column);
    const rows = await chainOf(chain, 3);
    const victim = row(rows, 1);
    await bypassingTrigger(() =>
      getDb().store.db.updateTable("audit_events").set(change).where("seq", "=", victim.seq).execute(),
    );
    const result = await verifyAudit(getDb().store.db, { chain });
    expect(result.breaks).toEqual([expect.objectContaining({ chain, seq: victim.seq, reason })]);
  });

  it("notices a row moved to another chain, in both chains", async () => {
    const rows = await chainOf(120, 3);
    await bypassingTrigger(() =>
      getDb()
        .store.db.updateTable("audit_events")
        .set({ chain: 121 })
        .where("seq", "=", row(rows, 1).seq)
        .execute(),
    );
    const result = await verifyAudit(getDb().store.db);
    expect(result.breaks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ chain: 120, seq: row(rows, 2).seq, reason: "prev_hash" }),
        expect.objectContaining({ chain: 121, seq: row(rows, 1).seq, reason: "prev_hash" }),
      ]),
    );
  });

  it("notices a deleted row whose successor was re-linked to its predecessor", async () => {
    const { db } = getDb().store;
    const rows = await chainOf(130, 4);
    await bypassingTrigger(async () => {
      await db.deleteFrom("audit_events").where("seq", "=", row(rows, 1).seq).execute();
      await db
        .updateTable("audit_events")
        .set({ prev_hash: row(rows, 0).hash })
        .where("seq", "=", row(rows, 2).seq)
        .execute();
    });
    const result = await verifyAudit(db, { chain: 130 });
    expect(result.breaks).toEqual([
      expect.objectContaining({ chain: 130, seq: row(rows, 2).seq, reason: "hash" }),
    ]);
  });

  describe("against an anchor", () => {
    it("finds a deleted tail, which the walk alone cannot see", async () => {
      const { db } = getDb().store;
      const rows = await chainOf(140, 3);
      const anchor = await takeAnchor(db, new Date(), { chain: 140 });
      expect(anchor.chains).toEqual([
        { chain: 140, events: 3, headSeq: row(rows, 2).seq, headHash: row(rows, 2).hash },
      ]);
      await bypassingTrigger(() =>
        db.deleteFrom("audit_events").where("seq", "=", row(rows, 2).seq).execute(),
      );
      expect((await verifyAudit(db, { chain: 140 })).ok).toBe(true);
      const full = await verifyAudit(db, { chain: 140, anchor: { heads: anchor.chains } });
      expect(full.ok).toBe(false);
      expect(full.breaks).toEqual([
        expect.objectContaining({ chain: 140, seq: row(rows, 2).seq, reason: "anchor", actual: "missing" }),
      ]);
      expect(full.breaks[0]?.detail).toMatch(/is gone: 1 event\(s\) up to it were deleted/);
      const byHash = await verifyAudit(db, { chain: 140, anchor: { hash: row(rows, 2).hash } });
      expect(byHash.breaks).toEqual([expect.objectContaining({ reason: "anchor", actual: "missing" })]);
    });

    it("finds a deleted row with every later hash recomputed", async () => {
      const { db } = getDb().store;
      const rows = await chainOf(150, 4);
      const anchor: AnchorInput = { heads: await chainHeads(db, { chain: 150 }) };
      await bypassingTrigger(async () => {
        await db.deleteFrom("audit_events").where("seq", "=", row(rows, 1).seq).execute();
        await recomputeFrom(150, row(rows, 2).seq);
      });
      expect((await verifyAudit(db, { chain: 150 })).ok).toBe(true);
      const result = await verifyAudit(db, { chain: 150, anchor });
      expect(result.breaks).toEqual([
        expect.objectContaining({
          chain: 150,
          seq: row(rows, 3).seq,
          reason: "anchor",
          expected: row(rows, 3).hash,
        }),
      ]);
      expect(result.breaks[0]?.detail).toMatch(/no longer has the anchored hash/);
    });

    it("finds an edit with every later hash recomputed, and accepts rows appended after the anchor", async () => {
      const { db } = getDb().store;
      const rows = await chainOf(160, 3);
      const anchor: AnchorInput = { heads: await chainHeads(db, { chain: 160 }) };
      await appendAudit(db, { chain: 160, kind: "command" });
      expect((await verifyAudit(db, { chain: 160, anchor })).ok).toBe(true);
      expect((await verifyAudit(db, { chain: 160, anchor: { hash: row(rows, 2).hash } })).ok).toBe(true);
      await bypassingTrigger(async () => {
        await db
          .updateTable("audit_events")
          .set({ actor: "mallory" })
          .where("seq", "=", row(rows, 1).seq)
          .execute();
        await recomputeFrom(160, row(rows, 1).seq);
      });
      expect((await verifyAudit(db, { chain: 160 })).ok).toBe(true);
      expect((await verifyAudit(db, { chain: 160, anchor })).breaks).toEqual([
        expect.objectContaining({ chain: 160, seq: row(rows, 2).seq, reason: "anchor" }),
      ]);
      expect((await verifyAudit(db, { chain: 160, anchor: { hash: row(rows, 2).hash } })).ok).toBe(false);
    });
  });
});

describe("parseAnchor", () => {
  it("reads a row hash or the anchor JSON, and names what is wrong with anything else", () => {
    const hash = "A".repeat(64);
    expect(parseAnchor(` ${hash}\n`)).toEqual({ hash: hash.toLowerCase() });
    const heads = [{ chain: 3, events: 2, headSeq: 9, headHash: "b".repeat(64) }];
    const json = JSON.stringify({
      format: "maestro-hive audit anchor",
      version: 1,
      takenAt: "x",
      chains: heads,
    });
    expect(parseAnchor(json)).toEqual({ heads });
    expect(() => parseAnchor("nope")).toThrow(/row hash \(64 hex digits\) or the JSON/);
    expect(() => parseAnchor(json.replace('"events":2', '"events":0'))).toThrow(/chains\.0\.events/);
  });
});
