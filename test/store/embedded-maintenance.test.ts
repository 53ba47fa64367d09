import { generateKeyPairSync } from "node:crypto";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadEnv } from "../../src/env/app-env.ts";
import { HandlerRegistry } from "../../src/jobs/handlers.ts";
import { startApp } from "../../src/server/app.ts";
import { recordDeliveries } from "../../src/store/deliveries.ts";
import { auditAllPendingDeliveries } from "../../src/store/delivery-audit.ts";
import { EmbeddedMaintenance, vacuumEmbedded } from "../../src/store/embedded-maintenance.ts";
import { createTestDatabase, type TestDatabase } from "../harness/db.ts";

/** A pino logger whose lines land in `lines`. */
function capturingLog() {
  const lines: Array<{ level: number; msg: string; [key: string]: unknown }> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: pino({ level: "debug" }, stream), lines };
}

async function deadTuples(database: TestDatabase, table: string): Promise<number> {
  const pglite = database.store.pglite!;
  await pglite.query("select pg_stat_force_next_flush()");
  const { rows } = await pglite.query<{ n: number }>(
    "select n_dead_tup::int as n from pg_stat_user_tables where relname = $1",
    [table],
  );
  return rows[0]?.n ?? 0;
}

/** `count` deliveries recorded on one chain, then audited (each leaves a dead tuple behind). */
async function recordAndAudit(database: TestDatabase, count: number, prefix: string): Promise<void> {
  const { db } = database.store;
  for (let start = 0; start < count; start += 500) {
    const batch = Array.from({ length: Math.min(500, count - start) }, (_, i) => ({
      deliveryId: `${prefix}-${start + i}`,
      event: "push",
      action: null,
      installationId: 7,
      repository: "acme/web",
      payload: { sender: { login: "octocat" } },
    }));
    await recordDeliveries(db, batch);
  }
  await auditAllPendingDeliveries(db);
}

describe("embedded database maintenance (PGlite)", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase("pglite");
  });
  afterAll(async () => {
    await database?.close();
  });

  it("PGlite runs no autovacuum: dead tuples stay until a pass vacuums them", async () => {
    await recordAndAudit(database, 1_000, "dead");
    expect(await deadTuples(database, "deliveries")).toBeGreaterThanOrEqual(1_000);
    const { rows } = await database.store.pglite!.query<{ last_autovacuum: Date | null }>(
      "select last_autovacuum from pg_stat_user_tables where relname = 'deliveries'",
    );
    expect(rows[0]?.last_autovacuum).toBeNull();

    const run = await vacuumEmbedded(database.store.pglite!);
    expect(run.tables).toContain('"public"."deliveries"');
    expect(run.deadTuples).toBeGreaterThanOrEqual(1_000);
    expect(await deadTuples(database, "deliveries")).toBe(0);
    // The session's maintenance_work_mem is back to its default afterwards.
    const setting = await database.store.pglite!.query<{ maintenance_work_mem: string }>(
      "show maintenance_work_mem",
    );
    expect(setting.rows[0]?.maintenance_work_mem).toBe("64MB");
    // Nothing changed since: the next pass has little or nothing to do.
    expect((await vacuumEmbedded(database.store.pglite!)).deadTuples).toBe(0);
  });

  it("stop waits for a pass in progress, and the store closes after it", async () => {
    const own = await createTestDatabase("pglite");
    await recordAndAudit(own, 2_000, "busy");
    const { log, lines } = capturingLog();
    const maintenance = new EmbeddedMaintenance(own.store.pglite!, log, { intervalMs: 60_000 });
    maintenance.start();
    const running = maintenance.runNow();
    expect(maintenance.runNow()).toBe(running); // never two at once
    await maintenance.stop();
    await own.close();
    expect(own.store.pglite!.closed).toBe(true);
    expect(lines.find((line) => line.msg === "embedded database vacuumed")).toMatchObject({
      level: 30,
      deadTuples: expect.any(Number),
      durationMs: expect.any(Number),
    });
    // After stop, no pass starts.
    await maintenance.runNow();
    expect(lines.filter((line) => line.msg === "embedded database vacuumed")).toHaveLength(1);
  });

  it("logs a failing pass and never throws it", async () => {
    const own = await createTestDatabase("pglite");
    await own.close();
    const { log, lines } = capturingLog();
    const maintenance = new EmbeddedMaintenance(own.store.pglite!, log, { intervalMs: 60_000 });
    await expect(maintenance.runNow()).resolves.toBeUndefined();
    await maintenance.stop();
    const warning = lines.find((line) => line.level === 40);
    expect(warning?.msg).toMatch(/could not vacuum the embedded database/);
    expect(warning?.err).toBeDefined();
  });

  describe("in the app", () => {
    let appDatabase: TestDatabase | undefined;
    afterEach(async () => {
      await appDatabase?.close();
    });

    it("starts with the app on PGlite, every MAESTRO_EMBEDDED_VACUUM_MS, and stops with it", async () => {
      appDatabase = await createTestDatabase("pglite");
      await recordAndAudit(appDatabase, 200, "app");
      const { log, lines } = capturingLog();
      const env = loadEnv({
        APP_ID: "4242",
        PRIVATE_KEY: generateKeyPairSync("rsa", {
          modulusLength: 2048,
          privateKeyEncoding: { type: "pkcs8", format: "pem" },
          publicKeyEncoding: { type: "spki", format: "pem" },
        }).privateKey,
        WEBHOOK_SECRET: "s",
        PORT: "0",
        HOST: "127.0.0.1",
        MAESTRO_WORKERS: "0",
        MAESTRO_QUEUE_SCHEMA: appDatabase.bossSchema,
        MAESTRO_EMBEDDED_VACUUM_MS: "50",
      });
      expect(env.embeddedVacuumMs).toBe(50);
      expect(loadEnv({}).embeddedVacuumMs).toBe(600_000);
      const app = await startApp(env, {
        store: appDatabase.store,
        boss: await appDatabase.queue(),
        log,
        registry: new HandlerRegistry(),
      });
      const passes = () => lines.filter((line) => /^embedded database/.test(line.msg)).length;
      await expect.poll(passes, { timeout: 10_000, interval: 25 }).toBeGreaterThanOrEqual(2);
      expect(lines.find((line) => line.msg === "embedded database vacuumed")).toBeDefined();
      expect(await deadTuples(appDatabase, "deliveries")).toBe(0);
      await app.stop();
      const afterStop = passes();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(passes()).toBe(afterStop);
    });
  });
});
