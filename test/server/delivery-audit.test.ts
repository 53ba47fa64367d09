/**
 * The webhook intake records and queues a delivery without waiting for its installation's audit
 * chain; the `delivery.received` row is appended afterwards (the process's appender, or the job
 * itself), exactly once, in a chain that verifies — also when the process that acknowledged the
 * delivery never got to append it. Real app over HTTP, real database, real signed webhooks.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { DELIVERY_QUEUE } from "../../src/jobs/queue.ts";
import type { RunningApp } from "../../src/server/app.ts";
import { listAudit, lockAuditChain, verifyAudit } from "../../src/store/audit.ts";
import { countDeliveries } from "../../src/store/deliveries.ts";
import { countPendingDeliveries } from "../../src/store/delivery-audit.ts";
import { startBareApp } from "../github/app-harness.ts";
import { describeEachDatabase } from "../harness/db.ts";
import { type SendWebhookOptions, sendWebhook } from "../harness/webhooks.ts";

const SECRET = "it's a secret to everybody";
const HOUR = 3_600_000;

describeEachDatabase("webhook intake and the delivery audit appender", (getDb) => {
  // A replica whose appender never runs after start (and no workers): what it acknowledges
  // stays pending, as if the process died right after answering.
  let stalled: RunningApp;
  let next: RunningApp | undefined;
  const sent: string[] = [];

  beforeAll(async () => {
    // No handler for pushes (startBareApp's default registry): their jobs complete at once,
    // auditing `job.completed`.
    stalled = await startBareApp(getDb(), {
      secret: SECRET,
      workers: 0,
      deliveryAudit: { delayMs: HOUR, sweepMs: HOUR },
    });
  });
  afterAll(async () => {
    await next?.stop();
    await stalled?.stop();
  });

  const push = (app: RunningApp, installationId: number, extra: Partial<SendWebhookOptions> = {}) =>
    sendWebhook({
      url: `${app.url}/api/github/webhooks`,
      secret: SECRET,
      event: "push",
      installationId,
      ...extra,
    });
  const received = async (chain: number) =>
    (await listAudit(getDb().store.db, { chain, kind: "delivery.received" })).map((row) => row.subject);

  it("acknowledges 32 concurrent deliveries of one installation and leaves their audit rows pending", async () => {
    const { db } = getDb().store;
    const before = await countDeliveries(db);
    const results = await Promise.all(Array.from({ length: 32 }, () => push(stalled, 41)));
    expect(results.map((r) => r.status)).toEqual(Array(32).fill(202));
    sent.push(...results.map((r) => r.deliveryId));
    expect(await countDeliveries(db)).toBe(before + 32);
    const boss = await getDb().queue();
    for (const id of sent) expect((await boss.getJobById(DELIVERY_QUEUE, id))?.state).toBe("created");
    expect(await countPendingDeliveries(db, 41)).toBe(32);
    expect(await received(41)).toEqual([]);
  });

  it("answers while another transaction holds the installation's audit chain", async (context) => {
    // PGlite runs one transaction at a time: nothing else could run while one holds the lock.
    if (getDb().backend !== "postgres") context.skip();
    const { db } = getDb().store;
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked: () => void = () => {};
    const isLocked = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const holder = db.transaction().execute(async (trx) => {
      await lockAuditChain(trx, 41);
      locked();
      await held;
    });
    try {
      await isLocked;
      const started = performance.now();
      const result = await push(stalled, 41);
      expect(result.status).toBe(202);
      expect(performance.now() - started).toBeLessThan(5_000);
      sent.push(result.deliveryId);
      expect(await countPendingDeliveries(db, 41)).toBe(33);
    } finally {
      release();
      await holder;
    }
  });

  it("audits what a stalled replica acknowledged when the next one starts, each delivery once", async () => {
    const { db } = getDb().store;
    next = await startBareApp(getDb(), { secret: SECRET, workers: 1, deliveryAudit: { sweepMs: HOUR } });
    await expect.poll(() => countPendingDeliveries(db, 41), { timeout: 20_000 }).toBe(0);
    const subjects = await received(41);
    expect(subjects.toSorted()).toEqual(sent.map((id) => `delivery:${id}`).toSorted());
    // The stalled replica's last run at stop finds nothing left to append.
    await stalled.stop();
    expect((await received(41)).length).toBe(sent.length);
    expect(await verifyAudit(db, { chain: 41 })).toMatchObject({ ok: true, events: expect.any(Number) });
  });

  it("appends a delivery's row before its job's rows, also when the job gets there first", async () => {
    const { db } = getDb().store;
    const boss = await getDb().queue();
    // Recorded by a replica whose appender does not run; the job runs on `next`'s worker,
    // which must append the delivery's row itself before its own.
    const late = await startBareApp(getDb(), {
      secret: SECRET,
      workers: 0,
      deliveryAudit: { delayMs: HOUR, sweepMs: HOUR },
    });
    let id: string;
    try {
      const result = await push(late, 42);
      expect(result.status).toBe(202);
      id = result.deliveryId;
      await expect
        .poll(async () => (await boss.getJobById(DELIVERY_QUEUE, id))?.state, { timeout: 20_000 })
        .toBe("completed");
    } finally {
      await late.stop();
    }
    const rows = (await listAudit(db, { chain: 42 })).filter((row) => row.subject === `delivery:${id}`);
    expect(rows.map((row) => row.kind)).toEqual(["delivery.received", "job.completed"]);
    expect((await verifyAudit(db, { chain: 42 })).ok).toBe(true);
  });

  it("records, queues and audits a delivery redelivered concurrently exactly once", async () => {
    const live = next;
    if (!live) throw new Error("the replica of the previous test is not running");
    const { db } = getDb().store;
    const boss = await getDb().queue();
    const deliveryId = crypto.randomUUID();
    const results = await Promise.all(Array.from({ length: 8 }, () => push(live, 43, { deliveryId })));
    expect(results.map((r) => r.status).toSorted()).toEqual([200, 200, 200, 200, 200, 200, 200, 202]);
    await live.deliveryAudit.drain();
    // Redelivered again once audited: still one row, one job.
    expect((await push(live, 43, { deliveryId })).status).toBe(200);
    await live.deliveryAudit.drain();
    expect(await received(43)).toEqual([`delivery:${deliveryId}`]);
    expect(await boss.findJobs(DELIVERY_QUEUE, { data: { deliveryId } })).toHaveLength(1);
    expect(await countPendingDeliveries(db)).toBe(0);
    const verification = await verifyAudit(db);
    expect(verification.breaks).toEqual([]);
    expect(verification.ok).toBe(true);
  });
});
