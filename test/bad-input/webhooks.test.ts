/**
 * Bad webhook input, over HTTP to the running app (real database and queue): every refusal is
 * a clear 4xx naming the problem, records nothing and enqueues nothing; accepted oddities
 * (unknown events and actions) are recorded, audited and completed without effect; the app
 * keeps serving throughout.
 */
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEnv } from "../../src/env/app-env.ts";
import { DELIVERY_QUEUE, jobIdForDelivery } from "../../src/jobs/queue.ts";
import { type RunningApp, startApp } from "../../src/server/app.ts";
import { signPayload } from "../../src/server/signature.ts";
import { listAudit } from "../../src/store/audit.ts";
import { countDeliveries } from "../../src/store/deliveries.ts";
import { createTestDatabase, type TestDatabase } from "../harness/db.ts";
import { buildWebhookPayload, sendWebhook } from "../harness/webhooks.ts";

const SECRET = "bad-input-secret";

describe("bad webhook input", () => {
  let database: TestDatabase;
  let app: RunningApp;
  let hook: string;

  beforeAll(async () => {
    database = await createTestDatabase("pglite");
    const env = loadEnv({
      APP_ID: "4242",
      PRIVATE_KEY: (await import("../harness/fake-github/index.ts")).testAppKeys().privateKey,
      WEBHOOK_SECRET: SECRET,
      PORT: "0",
      HOST: "127.0.0.1",
      MAESTRO_WORKERS: "1",
      // No GitHub here: the installation event must not try to open onboarding pull requests.
      MAESTRO_ONBOARDING: "false",
      MAESTRO_QUEUE_SCHEMA: database.bossSchema,
    });
    app = await startApp(env, {
      store: database.store,
      boss: await database.queue(),
      log: pino({ level: "silent" }),
      pollingIntervalSeconds: 0.5,
    });
    hook = `${app.url}/api/github/webhooks`;
  });
  afterAll(async () => {
    await app?.stop();
    await database?.close();
  });

  const push = () => JSON.stringify(buildWebhookPayload({ event: "push", installationId: 5 }));

  /** A raw POST with exactly these headers. */
  async function post(body: string | Buffer, headers: Record<string, string>) {
    const response = await fetch(hook, { method: "POST", body, headers });
    const text = await response.text();
    return { status: response.status, error: (JSON.parse(text) as { error?: string }).error ?? "", text };
  }

  function headers(body: string | Buffer, extra: Record<string, string> = {}) {
    return {
      "content-type": "application/json",
      "x-github-event": "push",
      "x-github-delivery": crypto.randomUUID(),
      "x-hub-signature-256": signPayload(SECRET, body),
      ...extra,
    };
  }

  async function expectRefused(
    result: Promise<{ status: number; error: string }>,
    status: number,
    message: RegExp,
  ) {
    const before = await countDeliveries(database.store.db);
    const { status: got, error } = await result;
    expect(got).toBe(status);
    expect(error).toMatch(message);
    expect(await countDeliveries(database.store.db)).toBe(before);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  }

  async function jobState(deliveryId: string): Promise<string | undefined> {
    const boss = await database.queue();
    const deadline = Date.now() + 30_000;
    for (;;) {
      const state = (await boss.getJobById(DELIVERY_QUEUE, jobIdForDelivery(deliveryId)))?.state;
      if (state === "completed" || state === "failed" || Date.now() > deadline) return state;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it("refuses a missing signature", async () => {
    const body = push();
    const { "x-hub-signature-256": _, ...rest } = headers(body);
    await expectRefused(post(body, rest), 400, /X-Hub-Signature-256/);
  });

  it("refuses a signature made with another secret", async () => {
    const body = push();
    await expectRefused(
      post(body, headers(body, { "x-hub-signature-256": signPayload("guess", body) })),
      400,
      /signature/,
    );
  });

  it("refuses a valid signature of a different body (tampering)", async () => {
    const body = push();
    const tampered = body.replace('"ref":"', '"ref":"x');
    await expectRefused(post(tampered, headers(body)), 400, /signature does not match/);
  });

  it("refuses a malformed signature header (sha1=, truncated)", async () => {
    const body = push();
    await expectRefused(post(body, headers(body, { "x-hub-signature-256": "sha1=abc" })), 400, /signature/);
  });

  it("refuses a missing X-GitHub-Event header", async () => {
    const body = push();
    const { "x-github-event": _, ...rest } = headers(body);
    await expectRefused(post(body, rest), 400, /X-GitHub-Event/);
  });

  it("refuses a missing X-GitHub-Delivery header", async () => {
    const body = push();
    const { "x-github-delivery": _, ...rest } = headers(body);
    await expectRefused(post(body, rest), 400, /X-GitHub-Delivery/);
  });

  it("refuses an absurdly long delivery id", async () => {
    const body = push();
    await expectRefused(
      post(body, headers(body, { "x-github-delivery": "x".repeat(500) })),
      400,
      /X-GitHub-Delivery/,
    );
  });

  it("refuses a body that is not JSON, naming the parse error", async () => {
    const body = "payload=%7B%22not%22%3A%22json%22%7D";
    await expectRefused(post(body, headers(body)), 400, /not JSON/);
  });

  it("refuses JSON that is not an object", async () => {
    const body = "[1,2,3]";
    await expectRefused(post(body, headers(body)), 400, /JSON object/);
  });

  it("refuses a form-encoded delivery with 415 and says how to configure the webhook", async () => {
    const body = push();
    await expectRefused(
      post(body, headers(body, { "content-type": "application/x-www-form-urlencoded" })),
      415,
      /application\/json/,
    );
  });

  it("refuses a payload over 25 MB with 413 without reading it all into memory", async () => {
    const body = Buffer.alloc(25 * 1024 * 1024 + 10, 0x20);
    await expectRefused(post(body, headers(body)), 413, /exceeds 26214400 bytes/);
  });

  it("refuses a push payload missing its repository, naming the field", async () => {
    const payload = buildWebhookPayload({ event: "push", installationId: 5 });
    delete payload.repository;
    const body = JSON.stringify(payload);
    await expectRefused(post(body, headers(body)), 422, /push payload lacks required fields: repository/);
  });

  it("refuses a pull_request payload whose head SHA is not a SHA", async () => {
    const payload = buildWebhookPayload({ event: "pull_request", action: "opened", installationId: 5 });
    (payload.pull_request as { head: { sha: string } }).head.sha = "'; drop table deliveries; --";
    const body = JSON.stringify(payload);
    await expectRefused(
      post(body, headers(body, { "x-github-event": "pull_request" })),
      422,
      /pull_request\.head\.sha/,
    );
  });

  it("refuses an event name with odd characters", async () => {
    const body = push();
    await expectRefused(
      post(body, headers(body, { "x-github-event": "push;rm -rf" })),
      400,
      /X-GitHub-Event/,
    );
  });

  it("answers GET on the webhook path with 405", async () => {
    const response = await fetch(hook);
    expect(response.status).toBe(405);
  });

  it("records, audits and completes an unknown event without effect", async () => {
    const body = JSON.stringify({ action: "created", starred_at: null, installation: { id: 5 } });
    const id = crypto.randomUUID();
    const result = await post(body, headers(body, { "x-github-event": "star", "x-github-delivery": id }));
    expect(result.status).toBe(202);
    expect(await jobState(id)).toBe("completed");
    const audit = await listAudit(database.store.db, { chain: 5 });
    expect(audit.filter((a) => a.subject === `delivery:${id}`).map((a) => a.kind)).toEqual([
      "delivery.received",
      "job.completed",
    ]);
  });

  it("records and completes an unknown action of a known event without an analysis", async () => {
    const sent = await sendWebhook({
      url: hook,
      secret: SECRET,
      event: "pull_request",
      action: "labeled",
      installationId: 6,
    });
    expect(sent.status).toBe(202);
    expect(await jobState(sent.deliveryId)).toBe("completed");
    const runs = await database.store.db.selectFrom("analysis_runs").selectAll().execute();
    expect(runs).toEqual([]);
  });

  it("acknowledges a redelivery of the same id once, without a second job", async () => {
    const body = push();
    const h = headers(body);
    const first = await post(body, h);
    const second = await post(body, h);
    expect([first.status, second.status]).toEqual([202, 200]);
    expect(JSON.parse(second.text)).toMatchObject({ status: "duplicate" });
  });

  it("accepts a body with invalid UTF-8 inside a string, stores it readable, and its job does not crash", async () => {
    const payload = buildWebhookPayload({ event: "installation", action: "created" });
    const text = JSON.stringify(payload).replace('"Codertocat"', '"Coder__tocat"');
    const at = text.indexOf("__");
    const body = Buffer.concat([
      Buffer.from(text.slice(0, at)),
      Buffer.from([0xc3, 0x28]),
      Buffer.from(text.slice(at + 2)),
    ]);
    const id = crypto.randomUUID();
    const result = await post(
      body,
      headers(body, { "x-github-event": "installation", "x-github-delivery": id }),
    );
    expect(result.status).toBe(202);
    expect(await jobState(id)).toBe("completed");
    const row = await database.store.db
      .selectFrom("installations")
      .select("account_login")
      .where("id", "=", 957387)
      .executeTakeFirstOrThrow();
    expect(row.account_login).toBe("Coder\uFFFD(tocat");
  });
});
