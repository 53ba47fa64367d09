import { afterAll, beforeAll, expect, it } from "vitest";
import { HandlerRegistry } from "../../src/jobs/handlers.ts";
import { handleInstallation } from "../../src/jobs/installation-handlers.ts";
import { DELIVERY_QUEUE } from "../../src/jobs/queue.ts";
import type { RunningApp } from "../../src/server/app.ts";
import { listAudit } from "../../src/store/audit.ts";
import { countDeliveries, getDelivery } from "../../src/store/deliveries.ts";
import { getInstallation } from "../../src/store/installations.ts";
import { startBareApp } from "../github/app-harness.ts";
import { describeEachDatabase } from "../harness/db.ts";
import { buildWebhookPayload, sendWebhook, signWebhook } from "../harness/webhooks.ts";

const SECRET = "it's a secret to everybody";

describeEachDatabase("app server", (getDb) => {
  let app: RunningApp;

  beforeAll(async () => {
    app = await startBareApp(getDb(), {
      secret: SECRET,
      workers: 1,
      // Only the installation handlers: this file is about ingest, and the analysis handler
      // would reach for a GitHub these tests do not run.
      registry: new HandlerRegistry().on("installation", "installations", handleInstallation),
    });
  });
  afterAll(async () => {
    await app?.stop();
  });

  const hook = () => `${app.url}/api/github/webhooks`;

  it("records a signed delivery, queues its job, and the job runs", async () => {
    const result = await sendWebhook({
      url: hook(),
      secret: SECRET,
      event: "installation",
      action: "created",
    });
    expect(result.status).toBe(202);
    expect(JSON.parse(result.body)).toMatchObject({
      status: "queued",
      delivery: result.deliveryId,
      job: result.deliveryId,
    });
    const { db } = getDb().store;
    expect(await getDelivery(db, result.deliveryId)).toMatchObject({
      event: "installation",
      action: "created",
      installation_id: 957387,
    });
    await expect
      .poll(() => getInstallation(db, 957387), { timeout: 20_000, interval: 100 })
      .toMatchObject({
        account_login: "Codertocat",
      });
    await expect
      .poll(
        async () =>
          (await getDb().queue()).getJobById(DELIVERY_QUEUE, result.deliveryId).then((j) => j?.state),
        {
          timeout: 20_000,
        },
      )
      .toBe("completed");
    const kinds = (await listAudit(db, { chain: 957387 })).map((a) => a.kind);
    expect(kinds).toEqual(["delivery.received", "installation.changed", "job.completed"]);
  });

  it("makes one job of a redelivered id", async () => {
    const options = {
      url: hook(),
      secret: SECRET,
      event: "pull_request",
      action: "opened",
      installationId: 31,
    } as const;
    const first = await sendWebhook(options);
    const second = await sendWebhook({ ...options, deliveryId: first.deliveryId });
    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect(JSON.parse(second.body)).toEqual({ status: "duplicate", delivery: first.deliveryId });
    const boss = await getDb().queue();
    expect(await boss.findJobs(DELIVERY_QUEUE, { data: { deliveryId: first.deliveryId } })).toHaveLength(1);
    // The audit row is appended after the answer; once the appender has run, there is one.
    await app.deliveryAudit.drain();
    expect((await listAudit(getDb().store.db, { chain: 31, kind: "delivery.received" })).length).toBe(1);
  });

  it("refuses a bad or missing signature with 400 and records nothing", async () => {
    const { db } = getDb().store;
    const before = await countDeliveries(db);
    const body = JSON.stringify(
      buildWebhookPayload({ event: "pull_request", action: "opened", installationId: 32 }),
    );
    const send = (rawBody: string, signature: string) =>
      sendWebhook({ url: hook(), secret: SECRET, event: "pull_request", rawBody, signature });
    const results = [
      await send(body, signWebhook("wrong secret", body)),
      await send(body, ""),
      await send(body.replace('"opened"', '"closed"'), signWebhook(SECRET, body)),
    ];
    for (const r of results) {
      expect(r.status).toBe(400);
      expect(JSON.parse(r.body).error).toMatch(/signature/);
    }
    expect(await countDeliveries(db)).toBe(before);
  });

  it("refuses a body that is not JSON, or lacks required fields, with a clear 4xx and records nothing", async () => {
    const { db } = getDb().store;
    const before = await countDeliveries(db);
    const raw = (event: "push" | "pull_request", rawBody: string, extra: Record<string, string> = {}) =>
      sendWebhook({ url: hook(), secret: SECRET, event, rawBody, ...extra });

    const notJson = await raw("push", "this is not json");
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body).error).toMatch(/not JSON/);
    expect((await raw("push", "[1,2]")).status).toBe(400);

    // A valid pull_request payload by GitHub's schema, but without the installation the app needs.
    const noInstallation = await sendWebhook({
      url: hook(),
      secret: SECRET,
      event: "pull_request",
      action: "opened",
    });
    expect(noInstallation.status).toBe(422);
    expect(JSON.parse(noInstallation.body).error).toMatch(
      /pull_request payload lacks required fields: installation/,
    );

    const push = buildWebhookPayload({ event: "push", installationId: 1 });
    delete push.repository;
    const noRepository = await raw("push", JSON.stringify(push));
    expect(noRepository.status).toBe(422);
    expect(JSON.parse(noRepository.body).error).toMatch(/repository/);

    const form = await sendWebhook({
      url: hook(),
      secret: SECRET,
      event: "push",
      rawBody: "payload=%7B%7D",
      contentType: "application/x-www-form-urlencoded",
    });
    expect(form.status).toBe(415);
    const bareObject = await raw("push", "{}");
    expect(bareObject.status).toBe(422);
    const missingHeader = await sendWebhook({
      url: hook(),
      secret: SECRET,
      event: "push",
      rawBody: "{}",
      headers: { "x-github-event": "" },
    });
    expect(missingHeader.status).toBe(400);
    expect(await countDeliveries(db)).toBe(before);
  });

  it("refuses a body over 25 MB with 413", async () => {
    const big = " ".repeat(25 * 1024 * 1024 + 1);
    const result = await sendWebhook({ url: hook(), secret: SECRET, event: "push", rawBody: big });
    expect(result.status).toBe(413);
  });

  it("answers /healthz, /readyz and /metrics", async () => {
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: "ready",
      checks: { database: { ok: true }, migrations: { ok: true }, queue: { ok: true } },
    });
    const metrics = await fetch(`${app.url}/metrics`);
    expect(metrics.headers.get("content-type")).toMatch(/^text\/plain; version=0.0.4/);
    const text = await metrics.text();
    expect(text).toMatch(/^maestro_deliveries\{event="installation"\} [1-9]/m);
    expect(text).toMatch(/^maestro_jobs\{queue="github-delivery",state="completed"\} [1-9]/m);
    await app.deliveryAudit.drain();
    expect(await (await fetch(`${app.url}/metrics`)).text()).toMatch(/^maestro_deliveries_audit_pending 0$/m);
    expect(text).toMatch(/^maestro_webhook_requests_total\{event="pull_request",outcome="400"\} 3$/m);
    expect(text).toMatch(
      /^maestro_job_duration_seconds_count\{outcome="completed",event="installation"\} 1$/m,
    );
    expect(text).toMatch(
      // prom-client writes `le` first; Prometheus does not care about label order
      /^maestro_job_duration_seconds_bucket\{le="\+Inf",outcome="completed",event="installation"\} 1$/m,
    );
    const unknown = await fetch(`${app.url}/nope`);
    expect(unknown.status).toBe(404);
  });
});
