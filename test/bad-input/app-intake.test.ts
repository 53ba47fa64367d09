/**
 * Webhook intake under abuse, over HTTP to the running app: what the headers can refuse is
 * refused before the body is read, bodies past the limit are refused as soon as the count passes
 * it (with or without Content-Length) and never held whole, and a stalled body is cut off.
 */
import { Agent, request } from "node:http";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEnv } from "../../src/env/app-env.ts";
import { type RunningApp, startApp } from "../../src/server/app.ts";
import { countDeliveries } from "../../src/store/deliveries.ts";
import { createTestDatabase, type TestDatabase } from "../harness/db.ts";
import { testAppKeys } from "../harness/fake-github/index.ts";

const MB = 1024 * 1024;

/** A full garbage collection on demand (V8's gc, exposed to a fresh context). */
function collector(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}
const CHUNK = Buffer.alloc(MB, 0x20);

interface Posted {
  readonly status: number | null;
  readonly error: string | null;
  /** Milliseconds until the server answered or closed the connection. */
  readonly ms: number;
}

/**
 * POSTs `megabytes` of spaces in 1 MB chunks (chunked: no Content-Length), then waits, or
 * sends `stallAfter` bytes and then nothing.
 */
function post(
  url: string,
  headers: Record<string, string>,
  body: { megabytes: number } | { stallAfter: number; declared: number },
): Promise<Posted> {
  const started = performance.now();
  return new Promise<Posted>((resolve) => {
    let settled = false;
    const done = (status: number | null, error: string | null) => {
      if (settled) return;
      settled = true;
      resolve({ status, error, ms: performance.now() - started });
    };
    const extra = "declared" in body ? { "content-length": String(body.declared) } : {};
    const req = request(url, { method: "POST", headers: { ...headers, ...extra } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
      });
      res.on("end", () => done(res.statusCode ?? null, text));
      res.on("error", () => done(res.statusCode ?? null, text));
    });
    req.on("error", (error) => done(null, error.message));
    req.on("close", () => done(null, "closed"));
    if ("megabytes" in body) {
      let sent = 0;
      const write = () => {
        while (sent < body.megabytes) {
          sent++;
          if (!req.write(CHUNK)) return void req.once("drain", write);
        }
        req.end();
      };
      write();
    } else {
      req.write(Buffer.alloc(body.stallAfter, 0x20));
    }
  });
}

describe("webhook intake", () => {
  let database: TestDatabase;
  let app: RunningApp;
  let hook: string;

  beforeAll(async () => {
    database = await createTestDatabase("pglite");
    const env = loadEnv({
      APP_ID: "4242",
      PRIVATE_KEY: testAppKeys().privateKey,
      WEBHOOK_SECRET: "intake-secret",
      PORT: "0",
      HOST: "127.0.0.1",
      MAESTRO_WORKERS: "0",
      MAESTRO_QUEUE_SCHEMA: database.bossSchema,
      MAESTRO_WEBHOOK_BODY_IDLE_MS: "2000",
    });
    app = await startApp(env, {
      store: database.store,
      boss: await database.queue(),
      log: pino({ level: "silent" }),
    });
    hook = `${app.url}/api/github/webhooks`;
  });
  afterAll(async () => {
    await app?.stop();
    await database?.close();
  });

  const github = (extra: Record<string, string> = {}) => ({
    "content-type": "application/json",
    "x-github-event": "push",
    "x-github-delivery": crypto.randomUUID(),
    ...extra,
  });

  it("12 concurrent unsigned 24 MB bodies are each refused; the memory they hold stays low", async () => {
    // Live buffer memory after a collection, sampled throughout: what the process holds, not the
    // garbage of the chunks Node reads past a refusal (resident memory swung with the collector's
    // timing, 0–180 MB on a loaded machine, for the same behaviour).
    const gc = collector();
    gc();
    const before = process.memoryUsage().arrayBuffers;
    let peak = before;
    const sampler = setInterval(() => {
      gc();
      peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    }, 20);
    const results = await Promise.all(
      Array.from({ length: 12 }, () => post(hook, github(), { megabytes: 24 })),
    );
    clearInterval(sampler);
    for (const result of results) {
      expect(result.status).toBe(400);
      expect(result.error).toContain("carries no signature");
    }
    const grownMb = (peak - before) / MB;
    // Refused from the headers they hold next to nothing; read before the refusal, they held
    // 56–128 MB at once in runs with the signature check moved after the read. Less than one body:
    console.info(`intake: 12 × 24 MB unsigned bodies, live buffer memory grew by ${grownMb.toFixed(1)} MB`);
    expect(grownMb).toBeLessThan(24);
    expect(await countDeliveries(database.store.db)).toBe(0);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });

  it("an unsigned body far past the limit is answered 400 and never read: the sender stalls, the connection ends", async () => {
    // The server reads no more than the socket buffers hold: the sender can put a few MB on the
    // wire, then the connection idles until Node's keep-alive timeout (5 s + 1 s) ends it.
    const megabytes = 400;
    let sent = 0;
    const result = await new Promise<{ status: number | null; sentMb: number; ms: number }>((resolve) => {
      const started = performance.now();
      let status: number | null = null;
      const req = request(hook, { method: "POST", headers: github() }, (res) => {
        status = res.statusCode ?? null;
        res.resume();
      });
      const done = () => resolve({ status, sentMb: sent, ms: performance.now() - started });
      req.on("error", done);
      req.on("close", done);
      const write = () => {
        while (sent < megabytes) {
          sent++;
          if (!req.write(CHUNK)) return void req.once("drain", write);
        }
        req.end();
      };
      write();
    });
    expect(result.status).toBe(400);
    expect(result.sentMb).toBeLessThan(32); // not read: the client could not send it all
    expect(result.ms).toBeLessThan(15_000);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });

  it("a small unsigned body is answered 400 and the connection lives on for the next request", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const send = () =>
        new Promise<{ status: number | undefined; socket: unknown }>((resolve, reject) => {
          const req = request(hook, { method: "POST", headers: github(), agent }, (res) => {
            res.resume();
            res.on("end", () => resolve({ status: res.statusCode, socket: req.socket }));
          });
          req.on("error", reject);
          req.end(Buffer.alloc(64 * 1024, 0x20));
        });
      const first = await send();
      const second = await send();
      expect([first.status, second.status]).toEqual([400, 400]);
      expect(second.socket).toBe(first.socket); // reused: a refused body that is sent whole leaves the connection usable
    } finally {
      agent.destroy();
    }
  });

  it("a body past the limit without Content-Length is refused with 413 once the count passes it", async () => {
    const signed = github({ "x-hub-signature-256": `sha256=${"0".repeat(64)}` });
    const result = await post(hook, signed, { megabytes: 26 });
    expect(result.status).toBe(413);
    expect(result.error).toContain("exceeds 26214400 bytes");
  });

  it("a stalled body is answered 408 and its connection closed within seconds", async () => {
    const signed = github({ "x-hub-signature-256": `sha256=${"0".repeat(64)}` });
    const result = await post(hook, signed, { stallAfter: 100, declared: 10_000 });
    expect(result.status).toBe(408);
    expect(result.error).toContain("stalled for 2000 ms");
    expect(result.ms).toBeLessThan(15_000);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });
});
