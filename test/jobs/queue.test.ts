import { expect, it } from "vitest";
import { DELIVERY_QUEUE, enqueueDelivery, jobIdForDelivery } from "../../src/jobs/queue.ts";
import { countDeliveries, getDelivery, recordDelivery } from "../../src/store/deliveries.ts";
import { describeEachDatabase } from "../harness/db.ts";

const delivery = (id: string) => ({
  deliveryId: id,
  event: "push",
  action: null,
  installationId: 1,
  repository: "octo/app",
  payload: { ref: "refs/heads/main" },
});

describeEachDatabase("delivery queue", (getDb) => {
  it("records the delivery and creates its job in one transaction", async () => {
    const boss = await getDb().queue();
    const { db } = getDb().store;
    const id = "72d3162e-cc78-11e3-81ab-4c9367dc0958";
    const jobId = await db.transaction().execute(async (trx) => {
      expect(await recordDelivery(trx, delivery(id))).toBe(true);
      return enqueueDelivery(boss, trx, id);
    });
    expect(jobId).toBe(id);
    const job = await boss.getJobById(DELIVERY_QUEUE, id);
    expect(job?.data).toEqual({ deliveryId: id });
    expect((await getDelivery(db, id))?.payload).toEqual({ ref: "refs/heads/main" });
  });

  it("leaves neither the delivery nor the job behind when the transaction rolls back", async () => {
    const boss = await getDb().queue();
    const { db } = getDb().store;
    const id = "0b989ba4-242f-11e5-81e1-c7b6966d2516";
    const before = await countDeliveries(db);
    await expect(
      db.transaction().execute(async (trx) => {
        await recordDelivery(trx, delivery(id));
        await enqueueDelivery(boss, trx, id);
        throw new Error("publish failed");
      }),
    ).rejects.toThrow("publish failed");
    expect(await countDeliveries(db)).toBe(before);
    expect(await boss.getJobById(DELIVERY_QUEUE, id)).toBeNull();
  });

  it("creates no second job for a redelivered id", async () => {
    const boss = await getDb().queue();
    const { db } = getDb().store;
    const id = "d1f2c9a0-0000-4000-8000-000000000001";
    const attempt = () =>
      db.transaction().execute(async (trx) => {
        if (!(await recordDelivery(trx, delivery(id)))) return null;
        return enqueueDelivery(boss, trx, id);
      });
    expect(await attempt()).toBe(id);
    expect(await attempt()).toBeNull();
    // Even an enqueue that bypassed the delivery check could not duplicate the job.
    expect(await db.transaction().execute((trx) => enqueueDelivery(boss, trx, id))).toBeNull();
    const jobs = await boss.findJobs(DELIVERY_QUEUE, { data: { deliveryId: id } });
    expect(jobs).toHaveLength(1);
  });

  it("maps delivery ids that are not UUIDs to stable UUIDs", () => {
    const a = jobIdForDelivery("not-a-uuid");
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(jobIdForDelivery("not-a-uuid")).toBe(a);
    expect(jobIdForDelivery("not-a-uuid-2")).not.toBe(a);
    expect(jobIdForDelivery("72D3162E-CC78-11E3-81AB-4C9367DC0958")).toBe(
      "72d3162e-cc78-11e3-81ab-4c9367dc0958",
    );
  });
});
