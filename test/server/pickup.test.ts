/**
 * A recorded delivery's job starts at once, not at the worker's next poll: the intake wakes its
 * process's workers after the commit (other replicas still wait for their poll). The poll
 * interval here is 10 s, so a job that waited for the poll would start seconds after it was created;
 * the bound (1 s) is on the job's own timestamps in the database, not on a wall clock.
 */
import type { PgBoss } from "pg-boss";
import { afterAll, beforeAll, expect, it } from "vitest";
import { HandlerRegistry } from "../../src/jobs/handlers.ts";
import { handleInstallation } from "../../src/jobs/installation-handlers.ts";
import { DELIVERY_QUEUE } from "../../src/jobs/queue.ts";
import type { RunningApp } from "../../src/server/app.ts";
import { startBareApp } from "../github/app-harness.ts";
import { describeEachDatabase } from "../harness/db.ts";
import { sendWebhook } from "../harness/webhooks.ts";

const SECRET = "pick-up secret";
const POLL_SECONDS = 10;
/** Sends one delivery and returns how long its job waited in the queue, from the job's timestamps. */
async function pickUpMs(app: RunningApp, boss: PgBoss, installationId: number): Promise<number> {
  const sent = await sendWebhook({
    url: `${app.url}/api/github/webhooks`,
    secret: SECRET,
    event: "installation",
    action: "created",
    installationId,
  });
  expect(sent.status).toBe(202);
  await expect
    .poll(async () => (await boss.getJobById(DELIVERY_QUEUE, sent.deliveryId))?.state, {
      timeout: 3 * POLL_SECONDS * 1000,
      interval: 50,
    })
    .toBe("completed");
  const job = await boss.getJobById(DELIVERY_QUEUE, sent.deliveryId);
  if (!job?.startedOn) throw new Error("the job has no start time");
  return job.startedOn.getTime() - job.createdOn.getTime();
}

describeEachDatabase("queue pick-up", (getDb) => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startBareApp(getDb(), {
      secret: SECRET,
      workers: 2,
      pollingIntervalSeconds: POLL_SECONDS,
      registry: new HandlerRegistry().on("installation", "installations", handleInstallation),
    });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it(`starts a delivery's job well before the ${POLL_SECONDS} s poll, each time`, async () => {
    const boss = await getDb().queue();
    // The workers fetched once when they started and now sleep out their poll.
    for (const installationId of [701, 702, 703]) {
      expect(await pickUpMs(app, boss, installationId)).toBeLessThan(1_000);
    }
  }, 60_000);
});
