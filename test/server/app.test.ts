import { createHmac, generateKeyPairSync, randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { pino } from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadEnv } from "../../src/config/env.ts";
import { DELIVERY_QUEUE } from "../../src/jobs/queue.ts";
import { type RunningApp, startApp } from "../../src/server/app.ts";
import { listAudit } from "../../src/store/audit.ts";
import { countDeliveries, getDelivery } from "../../src/store/deliveries.ts";
import { getInstallation } from "../../src/store/installations.ts";
import { describeEachDatabase } from "../harness/db.ts";

const SECRET = "it's a secret to everybody";
const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

interface Example {
  name: string;
  examples: Array<Record<string, unknown> & { action?: string }>;
}
const examples = createRequire(import.meta.url)(
  "@octokit/webhooks-examples/api.github.com/index.json",
) as Example[];
function example(event: string, action?: string): Record<string, unknown> {
  const found = examples.find((e) => e.name === event)?.examples.find((e) => e.action === action);
  if (!found) throw new Error(`no ${event}.${action} example`);
  return structuredClone(found);
}

function sign(body: string | Buffer, secret = SECRET): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

describeEachDatabase("app server", (getDb) => {
  let app: RunningApp;

  beforeAll(async () => {
    const env = loadEnv({
      APP_ID: "4242",
      PRIVATE_KEY: privateKey,
      WEBHOOK_SECRET: SECRET,
      PORT: "0",
      HOST: "127.0.0.1",
      MAESTRO_WORKERS: "1",
      MAESTRO_QUEUE_SCHEMA: getDb().bossSchema,
      LOG_LEVEL: "silent",
    });
    app = await startApp(env, {
      store: getDb().store,
      boss: await getDb().queue(),
      log: pino({ level: "silent" }),
      pollingIntervalSeconds: 0.5,
    });
  });
  afterAll(async () => {
    await app?.stop();
  });

  async function post(
    event: string,
    body: string | Buffer,
    headers: Record<string, string> = {},
    id: string = randomUUID(),
  ): Promise<{ status: number; body: Record<string, unknown>; id: string }> {
    const response = await fetch(`${app.url}/api/github/webhooks`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": event,
        "x-github-delivery": id,
        "x-hub-signature-256": sign(body),
        ...headers,
      },
      body,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown>, id };
  }

  it("records a signed delivery, queues its job, and the job runs", async () => {
    const payload = example("installation", "created");
    const result = await post("installation", JSON.stringify(payload));
    expect(result.status).toBe(202);
    expect(result.body).toMatchObject({ status: "queued", delivery: result.id, job: result.id });
    const { db } = getDb().store;
    expect(await getDelivery(db, result.id)).toMatchObject({
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
      .poll(async () => (await getDb().queue()).getJobById(DELIVERY_QUEUE, result.id).then((j) => j?.state), {
        timeout: 20_000,
      })
      .toBe("completed");
    const kinds = (await listAudit(db, { chain: 957387 })).map((a) => a.kind);
    expect(kinds).toEqual(["delivery.received", "installation.changed", "job.completed"]);
  });

  it("makes one job of a redelivered id", async () => {
    const payload = { ...example("pull_request", "opened"), installation: { id: 31 } };
    const body = JSON.stringify(payload);
    const first = await post("pull_request", body);
    const second = await post("pull_request", body, {}, first.id);
    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ status: "duplicate", delivery: first.id });
    const boss = await getDb().queue();
    expect(await boss.findJobs(DELIVERY_QUEUE, { data: { deliveryId: first.id } })).toHaveLength(1);
    expect((await listAudit(getDb().store.db, { chain: 31, kind: "delivery.received" })).length).toBe(1);
  });

  it("refuses a bad or missing signature with 400 and records nothing", async () => {
    const { db } = getDb().store;
    const before = await countDeliveries(db);
    const body = JSON.stringify({ ...example("pull_request", "opened"), installation: { id: 32 } });
    const wrongSecret = await post("pull_request", body, { "x-hub-signature-256": sign(body, "wrong") });
    const missing = await post("pull_request", body, { "x-hub-signature-256": "" });
    const tampered = await post("pull_request", body.replace('"opened"', '"closed"'), {
      "x-hub-signature-256": sign(body),
    });
    for (const r of [wrongSecret, missing, tampered]) {
      expect(r.status).toBe(400);
      expect(String(r.body.error)).toMatch(/signature/);
    }
    expect(await countDeliveries(db)).toBe(before);
  });

  it("refuses a body that is not JSON, or lacks required fields, with a clear 4xx and records nothing", async () => {
    const { db } = getDb().store;
    const before = await countDeliveries(db);
    const notJson = await post("push", "this is not json");
    expect(notJson.status).toBe(400);
    expect(notJson.body.error).toMatch(/not JSON/);
    const array = await post("push", "[1,2]");
    expect(array.status).toBe(400);
    const noInstallation = example("pull_request", "opened");
    const missing = await post("pull_request", JSON.stringify(noInstallation));
    expect(missing.status).toBe(422);
    expect(missing.body.error).toMatch(/pull_request payload lacks required fields: installation/);
    const noRepository = { ...example("push"), installation: { id: 1 } };
    delete (noRepository as Record<string, unknown>).repository;
    const missingRepo = await post("push", JSON.stringify(noRepository));
    expect(missingRepo.status).toBe(422);
    expect(missingRepo.body.error).toMatch(/repository/);
    const form = await post("push", "payload=%7B%7D", {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(form.status).toBe(415);
    const noEvent = await post("", "{}");
    expect(noEvent.status).toBe(400);
    expect(await countDeliveries(db)).toBe(before);
  });

  it("refuses a body over 25 MB with 413", async () => {
    const big = Buffer.alloc(25 * 1024 * 1024 + 1, 0x20);
    const result = await post("push", big);
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
    expect(text).toMatch(/^maestro_webhook_requests_total\{event="pull_request",outcome="400"\} 3$/m);
    expect(text).toMatch(
      /^maestro_job_duration_seconds_count\{outcome="completed",event="installation"\} 1$/m,
    );
    expect(text).toMatch(
      /^maestro_job_duration_seconds_bucket\{outcome="completed",event="installation",le="\+Inf"\} 1$/m,
    );
    const unknown = await fetch(`${app.url}/nope`);
    expect(unknown.status).toBe(404);
  });
});
