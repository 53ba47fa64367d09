/**
 * The app alone in a process of its own, for benches that measure the app (app-memory): the
 * fake GitHub, its git repositories and the webhook sender stay in the bench's process, so this
 * process's memory (and its children's: the analysis sandbox) is the app's only. Started by
 * `startAppProcess` (app-process-client.ts) with the app's environment, as `npm start` reads it:
 * the embedded database in MAESTRO_DATA_DIR, or PostgreSQL at DATABASE_URL (then in the schema
 * BENCH_DB_SCHEMA); the analysis sandbox on unless MAESTRO_ANALYSIS_SANDBOX=off.
 * As the test harness does, GitHub is reached without Probot's throttling (writes 1 s apart
 * would make 1,000 analyses last hours) and workers poll every 0.5 s.
 *
 * Over IPC it answers: `job` (waits until a delivery's job has settled), `gc` (forced
 * collection, needs --expose-gc), `usage-peaks` (highest heap/external/array buffer figures since
 * the last ask), `runs` (analysis runs by repository and status) and `stop`.
 */
import { sql } from "kysely";
import { loadEnv } from "../../src/env/app-env.ts";
import { DELIVERY_QUEUE, jobIdForDelivery } from "../../src/jobs/queue.ts";
import { startApp } from "../../src/server/app.ts";
import { openStore } from "../../src/store/connect.ts";
import { FastOctokit } from "../../test/harness/fast-octokit.ts";

export type AppProcessRequest =
  | { readonly type: "job"; readonly seq: number; readonly deliveryId: string }
  | { readonly type: "gc"; readonly seq: number }
  | { readonly type: "runs"; readonly seq: number }
  | { readonly type: "usage-peaks"; readonly seq: number }
  | { readonly type: "stop"; readonly seq: number };

export type AppProcessReply =
  | { readonly type: "ready"; readonly url: string }
  | { readonly type: "reply"; readonly seq: number; readonly value: unknown }
  | { readonly type: "error"; readonly seq: number; readonly message: string };

const env = loadEnv(process.env);
const schema = process.env.BENCH_DB_SCHEMA;
const store = env.databaseUrl && schema ? openStore({ databaseUrl: env.databaseUrl, schema }) : undefined;
if (store) await sql`create schema if not exists ${sql.id(schema!)}`.execute(store.db);
const app = await startApp(env, { store, probot: { Octokit: FastOctokit }, pollingIntervalSeconds: 0.5 });

/** Highest process.memoryUsage() fields since the last `usage-peaks` (sampled every 20 ms, for the breakdown). */
let usagePeaks: Record<string, number> = {};
setInterval(() => {
  for (const [key, value] of Object.entries(process.memoryUsage()))
    usagePeaks[key] = Math.max(usagePeaks[key] ?? 0, value);
}, 20).unref();

async function jobState(deliveryId: string): Promise<string> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const job = await app.boss.getJobById(DELIVERY_QUEUE, jobIdForDelivery(deliveryId));
    if (job && (job.state === "completed" || job.state === "failed")) return job.state;
    if (Date.now() > deadline)
      throw new Error(`job of delivery ${deliveryId} still ${job?.state ?? "missing"}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function answer(request: AppProcessRequest): Promise<unknown> {
  switch (request.type) {
    case "job":
      return jobState(request.deliveryId);
    case "gc": {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (!gc) throw new Error("start the app process with --expose-gc");
      gc();
      gc();
      return process.memoryUsage();
    }
    case "usage-peaks": {
      const peaks = usagePeaks;
      usagePeaks = {};
      return peaks;
    }
    case "runs":
      return app.store.db
        .selectFrom("analysis_runs")
        .select(["repository", "status", (eb) => eb.fn.countAll<number>().as("count")])
        .groupBy(["repository", "status"])
        .execute();
    case "stop":
      await app.stop();
      if (store) {
        await sql`drop schema if exists ${sql.id(schema!)} cascade`.execute(store.db);
        await sql`drop schema if exists ${sql.id(env.queueSchema)} cascade`.execute(store.db);
        await store.close();
      }
      return null;
  }
}

const send = (message: AppProcessReply) => process.send?.(message);
process.on("message", (request: AppProcessRequest) => {
  answer(request).then(
    (value) => {
      send({ type: "reply", seq: request.seq, value });
      if (request.type === "stop") process.disconnect();
    },
    (error: unknown) =>
      send({
        type: "error",
        seq: request.seq,
        message: error instanceof Error ? error.message : String(error),
      }),
  );
});
send({ type: "ready", url: `${app.url}${env.webhookPath}` });
