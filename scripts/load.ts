/**
 * Load test: `npm run load -- [--deliveries 1000] [--concurrency 32] [--repos 50] [--workers 2]`.
 *
 * Starts the app in this process against the fake GitHub (test/harness) and a fresh database —
 * a temporary database on the PostgreSQL server of DATABASE_URL when set (dropped afterwards),
 * else an embedded PGlite in a temp dir — then sends signed deliveries over HTTP as fast as the
 * app accepts them (bounded concurrency). Each repository has one pull request; its deliveries
 * mix pull_request opened / synchronize / reopened and push for the same head, so
 * the queue sees every delivery and the analysis runs once per (repository, head SHA).
 *
 * Prints webhook latency p50/p99, deliveries accepted per second and jobs completed per
 * second, then checks that nothing was lost: every delivery recorded, every job completed,
 * one analysis per head. Exit code 1 on any error or loss.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { sql } from "kysely";
import pg from "pg";
import { pino } from "pino";
import { loadEnv } from "../src/env/app-env.ts";
import { HandlerRegistry, registerDefaultHandlers } from "../src/jobs/handlers.ts";
import { DELIVERY_QUEUE, startQueue } from "../src/jobs/queue.ts";
import { startApp } from "../src/server/app.ts";
import { openStore, type Store } from "../src/store/connect.ts";
import { migrateToLatest } from "../src/store/migrate.ts";
import { FastOctokit, fakeGitHubAppEnv, SECRET } from "../test/github/app-harness.ts";
import { deliveryMix } from "../test/github/delivery-mix.ts";
import { INSTALLATION } from "../test/github/fixture-repo.ts";
import { startFakeGitHub } from "../test/harness/fake-github/index.ts";
import { buildWebhookPayload, sendConcurrentlyHere } from "../test/harness/webhooks.ts";

const { values } = parseArgs({
  options: {
    deliveries: { type: "string", default: "1000" },
    concurrency: { type: "string", default: "32" },
    repos: { type: "string", default: "50" },
    workers: { type: "string", default: "2" },
  },
});
const DELIVERIES = Number(values.deliveries);
const CONCURRENCY = Number(values.concurrency);
const REPOS = Number(values.repos);
const WORKERS = Number(values.workers);

async function openDatabase(): Promise<{ store: Store; describe: string; drop: () => Promise<void> }> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const name = `maestro_load_${process.pid}_${Date.now()}`;
    const admin = async (text: string) => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(text).finally(() => client.end());
    };
    await admin(`create database ${name}`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return {
      store: openStore({ databaseUrl: url.toString(), poolSize: 10 }),
      describe: `PostgreSQL (${url.host}, temporary database ${name})`,
      drop: () => admin(`drop database if exists ${name} with (force)`),
    };
  }
  const dir = mkdtempSync(join(tmpdir(), "maestro-load-"));
  return {
    store: openStore({ dataDir: dir }),
    describe: `PGlite (${dir})`,
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const gh = await startFakeGitHub();
gh.addInstallation({ id: INSTALLATION, account: "acme" });
const database = await openDatabase();
const { store } = database;
await migrateToLatest(store.db);
const boss = await startQueue(store, { schema: "pgboss" });
const env = loadEnv({
  ...fakeGitHubAppEnv(gh),
  MAESTRO_WORKERS: String(WORKERS),
});
const app = await startApp(env, {
  store,
  boss,
  log: pino({ level: "silent" }),
  registry: registerDefaultHandlers(new HandlerRegistry()),
  probot: { Octokit: FastOctokit },
  pollingIntervalSeconds: 0.5,
});
const hook = `${app.url}/api/github/webhooks`;

const deliveries = deliveryMix(gh, {
  prefix: "load",
  repositories: REPOS,
  perRepository: Math.ceil(DELIVERIES / REPOS),
})
  .byRepository.flat()
  .slice(0, DELIVERIES);
// Payloads are built (and validated against GitHub's schema) before the clock starts.
// Serialized up front too, so the sender spends no CPU on them while the app runs.
const prepared = deliveries.map((d) => ({
  event: d.event,
  rawBody: JSON.stringify(buildWebhookPayload(d)),
  deliveryId: randomUUID(),
}));

process.stdout.write(
  `load: ${DELIVERIES} deliveries, ${REPOS} repositories, concurrency ${CONCURRENCY}, ${WORKERS} workers, ${database.describe}\n`,
);
const started = performance.now();
const sent = await sendConcurrentlyHere({
  url: hook,
  secret: SECRET,
  concurrency: CONCURRENCY,
  deliveries: prepared,
});
const { latencies } = sent;
const errors = [...sent.errors, ...sent.refused];
const acceptedAt = performance.now();

const countJobs = async () => {
  const rows = await sql<{ state: string; n: number }>`
    select state::text as state, count(*)::int as n from pgboss.job where name = ${DELIVERY_QUEUE} group by state`.execute(
    store.db,
  );
  return Object.fromEntries(rows.rows.map((r) => [r.state, Number(r.n)])) as Record<string, number>;
};
let jobs = await countJobs();
const deadline = Date.now() + 15 * 60_000;
while ((jobs.completed ?? 0) + (jobs.failed ?? 0) < DELIVERIES && Date.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 200));
  jobs = await countJobs();
}
const doneAt = performance.now();

const recorded = Number(
  (await sql<{ n: number }>`select count(*)::int as n from deliveries`.execute(store.db)).rows[0]?.n,
);
const analyses = await sql<{ status: string; n: number }>`
  select status, count(*)::int as n from analysis_runs group by status`.execute(store.db);
const sorted = [...latencies].sort((a, b) => a - b);
const seconds = (ms: number) => ms / 1000;
const figures = {
  deliveries: DELIVERIES,
  accepted: latencies.length - errors.length,
  errors: errors.length,
  webhookLatencyMs: {
    p50: Math.round(percentile(sorted, 50) * 10) / 10,
    p99: Math.round(percentile(sorted, 99) * 10) / 10,
    max: Math.round((sorted.at(-1) ?? 0) * 10) / 10,
  },
  acceptedPerSecond: Math.round((DELIVERIES / seconds(acceptedAt - started)) * 10) / 10,
  jobsCompletedPerSecond: Math.round(((jobs.completed ?? 0) / seconds(doneAt - started)) * 10) / 10,
  totalSeconds: Math.round(seconds(doneAt - started) * 10) / 10,
  jobs,
  recordedDeliveries: recorded,
  analysisRuns: Object.fromEntries(analyses.rows.map((r) => [r.status, Number(r.n)])),
  checkRuns: gh.checkRuns().length,
  comments: gh.issueComments().length,
  githubContractViolations: gh.violations.length,
};
process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
const lost =
  errors.length > 0 ||
  recorded !== DELIVERIES ||
  (jobs.completed ?? 0) !== DELIVERIES ||
  figures.analysisRuns.completed !== REPOS ||
  figures.checkRuns !== REPOS * 4 ||
  figures.comments !== REPOS ||
  gh.violations.length > 0;
if (errors.length > 0) process.stdout.write(`first errors:\n  ${errors.slice(0, 5).join("\n  ")}\n`);
process.stdout.write(lost ? "load: FAILED — errors or lost work (see above)\n" : "load: OK — nothing lost\n");

await app.stop();
await boss.stop({ graceful: false, close: true, timeout: 5_000 });
await store.close();
await gh.close();
await database.drop();
process.exit(lost ? 1 : 0);
