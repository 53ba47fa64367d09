import { expect, it } from "vitest";
import {
  appendAudit,
  appendAuditBatch,
  auditHash,
  GENESIS_HASH,
  listAudit,
  verifyAudit,
} from "../../src/store/audit.ts";
import { recordDelivery } from "../../src/store/deliveries.ts";
import {
  auditAllPendingDeliveries,
  auditPendingDeliveries,
  countPendingDeliveries,
} from "../../src/store/delivery-audit.ts";
import { describeEachDatabase } from "../harness/db.ts";

describeEachDatabase("delivery audit rows appended after intake", (getDb) => {
  const record = (id: string, installationId: number | null, sender: unknown = "octocat") =>
    recordDelivery(getDb().store.db, {
      deliveryId: id,
      event: "push",
      action: null,
      installationId,
      repository: "acme/web",
      payload: {
        sender: { login: sender },
        installation: installationId ? { id: installationId } : undefined,
      },
    });

  it("appends each pending delivery's row in received order, in batches, and clears its marker", async () => {
    const { db } = getDb().store;
    for (const id of ["a-1", "a-2", "a-3", "a-4", "a-5"]) await record(id, 51);
    expect(await countPendingDeliveries(db, 51)).toBe(5);
    expect(await auditPendingDeliveries(db, 51, { batchSize: 2 })).toBe(5);
    const rows = await listAudit(db, { chain: 51 });
    expect(rows.map((row) => row.subject)).toEqual(
      ["a-1", "a-2", "a-3", "a-4", "a-5"].map((id) => `delivery:${id}`),
    );
    expect(rows[0]).toMatchObject({
      kind: "delivery.received",
      actor: "octocat",
      repository: "acme/web",
      data: { event: "push", action: null },
    });
    // The row's time is the delivery's arrival, not the append.
    const delivery = await db
      .selectFrom("deliveries")
      .select("received_at")
      .where("delivery_id", "=", "a-1")
      .executeTakeFirstOrThrow();
    expect(rows[0]?.created_at.getTime()).toBe(Math.floor(delivery.received_at.getTime()));
    expect(await countPendingDeliveries(db, 51)).toBe(0);
    expect(await auditPendingDeliveries(db, 51)).toBe(0);
    expect((await verifyAudit(db, { chain: 51 })).ok).toBe(true);
  });

  it("stops, for a job, once its own delivery's row is in", async () => {
    const { db } = getDb().store;
    for (const id of ["e-1", "e-2", "e-3", "e-4", "e-5"]) await record(id, 55);
    expect(await auditPendingDeliveries(db, 55, { batchSize: 2, until: "e-3" })).toBe(4);
    expect(await countPendingDeliveries(db, 55)).toBe(1);
    expect(await auditPendingDeliveries(db, 55, { batchSize: 2, until: "e-5" })).toBe(1);
    expect((await verifyAudit(db, { chain: 55 })).ok).toBe(true);
  });

  it("takes no actor from a sender login that is not a string, and chain 0 without an installation", async () => {
    const { db } = getDb().store;
    await record("b-1", null, 42);
    expect(await auditAllPendingDeliveries(db)).toBe(1);
    const [row] = (await listAudit(db, { chain: 0 })).filter((r) => r.subject === "delivery:b-1");
    expect(row).toMatchObject({ actor: null, chain: 0 });
  });

  it("leaves the deliveries pending when the appending transaction does not commit", async () => {
    const { db } = getDb().store;
    for (const id of ["c-1", "c-2", "c-3"]) await record(id, 52);
    await expect(
      db.transaction().execute(async (trx) => {
        expect(await auditPendingDeliveries(trx, 52)).toBe(3);
        throw new Error("the process died before the commit");
      }),
    ).rejects.toThrow(/died/);
    expect(await countPendingDeliveries(db, 52)).toBe(3);
    expect(await listAudit(db, { chain: 52 })).toEqual([]);
    expect(await auditPendingDeliveries(db, 52)).toBe(3);
    expect((await listAudit(db, { chain: 52 })).length).toBe(3);
  });

  it("concurrent appenders (replicas, jobs) neither fork the chain nor append a delivery twice", async () => {
    const { db } = getDb().store;
    await appendAudit(db, { chain: 53, kind: "command", actor: "alice" });
    const ids = Array.from({ length: 60 }, (_, i) => `d-${String(i).padStart(2, "0")}`);
    for (const id of ids) await record(id, 53);
    const appended = await Promise.all([
      auditPendingDeliveries(db, 53, { batchSize: 7 }),
      auditPendingDeliveries(db, 53, { batchSize: 5 }),
      auditAllPendingDeliveries(db, { batchSize: 11 }),
      appendAudit(db, { chain: 53, kind: "command", actor: "bob" }).then(() => 0),
      auditPendingDeliveries(db, 53),
    ]);
    expect(appended.reduce((a, b) => a + b, 0)).toBe(60);
    const subjects = (await listAudit(db, { chain: 53, kind: "delivery.received" })).map((r) => r.subject);
    expect(subjects.toSorted()).toEqual(ids.map((id) => `delivery:${id}`));
    const verification = await verifyAudit(db, { chain: 53 });
    expect(verification).toMatchObject({ ok: true, events: 62, breaks: [] });
  });

  it("chains a batch exactly as one append after another would", async () => {
    const { db } = getDb().store;
    const at = new Date("2026-11-24T12:00:00.123Z");
    const rows = await db.transaction().execute((trx) =>
      appendAuditBatch(trx, 54, [
        { kind: "command", actor: "ann", data: { i: 1 }, at },
        { kind: "command", actor: "ann", data: { i: 2 }, at, chain: 999 },
      ]),
    );
    const fields = (prev: string, i: number) => ({
      chain: 54,
      prev_hash: prev,
      kind: "command",
      actor: "ann",
      repository: null,
      pr_number: null,
      subject: null,
      data: { i },
      created_at: at,
    });
    const first = auditHash(fields(GENESIS_HASH, 1));
    expect(rows.map((row) => [row.chain, row.prev_hash, row.hash])).toEqual([
      [54, GENESIS_HASH, first],
      [54, first, auditHash(fields(first, 2))],
    ]);
    expect(rows[1]!.seq).toBeGreaterThan(rows[0]!.seq);
  });
});
