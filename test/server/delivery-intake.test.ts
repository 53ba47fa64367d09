/**
 * The intake's group commit (src/server/delivery-intake.ts): deliveries recorded in the same turn
 * share one transaction, each gets its own answer, and one the database refuses fails alone.
 */
import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { DELIVERY_QUEUE, enqueueDelivery } from "../../src/jobs/queue.ts";
import { DeliveryIntake } from "../../src/server/delivery-intake.ts";
import { inTransaction } from "../../src/store/db.ts";
import { type DeliveryRecord, getDelivery } from "../../src/store/deliveries.ts";
import { describeEachDatabase } from "../harness/db.ts";

const delivery = (payload: unknown = { sender: { login: "octocat" } }): DeliveryRecord => ({
  deliveryId: randomUUID(),
  event: "pull_request",
  action: "opened",
  installationId: 4711,
  repository: "acme/app",
  payload,
});

describeEachDatabase("delivery intake (group commit)", (getDb) => {
  it("records a burst in shared transactions: each new delivery gets its job, a repeated id is a duplicate", async () => {
    const { db } = getDb().store;
    const boss = await getDb().queue();
    const intake = new DeliveryIntake(db, boss);
    const burst = Array.from({ length: 40 }, () => delivery());
    const earlier = burst[3]!;
    await intake.record(earlier);
    // The same id twice within the burst, and one recorded before it.
    const all = [...burst, { ...burst[7]! }];
    const outcomes = await Promise.all(all.map((d) => intake.record(d)));
    expect(outcomes[3]).toEqual({ recorded: false });
    expect(outcomes.at(-1)).toEqual({ recorded: false });
    const fresh = outcomes.filter((o) => o.recorded);
    expect(fresh).toHaveLength(39);
    for (const [i, outcome] of outcomes.entries()) {
      if (!outcome.recorded) continue;
      const id = all[i]!.deliveryId;
      expect(outcome.jobId).toBe(id);
      expect(await getDelivery(db, id)).toMatchObject({ audit_pending: true, installation_id: 4711 });
      const job = await boss.getJobById(DELIVERY_QUEUE, id);
      expect(job?.data).toEqual({ deliveryId: id });
    }
  });

  it("creates jobs with the queue's settings, like one sent alone", async () => {
    const { db } = getDb().store;
    const boss = await getDb().queue();
    const alone = randomUUID();
    await inTransaction(db, async (trx) => {
      await enqueueDelivery(boss, trx, alone);
    });
    const intake = new DeliveryIntake(db, boss);
    const batched = await Promise.all([delivery(), delivery()].map((d) => intake.record(d)));
    const pick = (job: unknown) => {
      const { retryLimit, retryDelay, retryBackoff, expireInSeconds, heartbeatSeconds, priority, state } =
        job as Record<string, unknown>;
      return { retryLimit, retryDelay, retryBackoff, expireInSeconds, heartbeatSeconds, priority, state };
    };
    const reference = pick(await boss.getJobById(DELIVERY_QUEUE, alone));
    expect(reference).toMatchObject({ retryLimit: 3, expireInSeconds: 900 });
    for (const outcome of batched) {
      if (!outcome.recorded) throw new Error("not recorded");
      expect(pick(await boss.getJobById(DELIVERY_QUEUE, outcome.jobId))).toEqual(reference);
    }
  });

  it("fails only the delivery the database refuses; the others of its batch are recorded", async () => {
    const { db } = getDb().store;
    const boss = await getDb().queue();
    const intake = new DeliveryIntake(db, boss);
    // A text column refuses \u0000, which JSON allows (the sender's login is stored in one): the
    // shared transaction fails, then each is retried alone.
    const poison = delivery({ sender: { login: "nul \u0000 byte" } });
    const good = [delivery(), delivery(), delivery()];
    const results = await Promise.allSettled(
      [good[0]!, poison, good[1]!, good[2]!].map((d) => intake.record(d)),
    );
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled"]);
    for (const d of good) {
      expect(await getDelivery(db, d.deliveryId)).toBeDefined();
      expect(await boss.getJobById(DELIVERY_QUEUE, d.deliveryId)).not.toBeNull();
    }
    expect(await getDelivery(db, poison.deliveryId)).toBeUndefined();
    expect(await boss.getJobById(DELIVERY_QUEUE, poison.deliveryId)).toBeNull();
  });
});
