/**
 * The app as its own process, for the fault tests (spawned with `node`): the real startApp on
 * DATABASE_URL, talking to the fake GitHub at GITHUB_API_URL. It differs from `npm start` only
 * where a test cannot wait for production timings: Octokit throttling off and retries in ms
 * (as in the in-process tests), a 10-second job heartbeat checked every 2 seconds, a short
 * GitHub request timeout. Stops like src/main.ts on SIGTERM/SIGINT (exit 0).
 */

import { loadEnv } from "../../src/env/app-env.ts";
import { HandlerRegistry, registerDefaultHandlers } from "../../src/jobs/handlers.ts";
import { startQueue } from "../../src/jobs/queue.ts";
import { startApp } from "../../src/server/app.ts";
import { createLogger } from "../../src/server/log.ts";
import { openStore } from "../../src/store/connect.ts";
import { migrateToLatest } from "../../src/store/migrate.ts";
import { FastOctokit } from "../github/app-harness.ts";

const env = loadEnv(process.env);
const number = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
const log = createLogger(env.logLevel);
const store = openStore({
  databaseUrl: env.databaseUrl,
  dataDir: env.dataDir,
  onPoolError: (error) => log.warn({ err: error }, "an idle database connection broke; reconnecting"),
});
await migrateToLatest(store.db);
const boss = await startQueue(store, {
  schema: env.queueSchema,
  heartbeatSeconds: number("TEST_HEARTBEAT_SECONDS", 10),
  superviseIntervalSeconds: number("TEST_SUPERVISE_SECONDS", 2),
});
const registry = registerDefaultHandlers(new HandlerRegistry(), {
  analysis: {
    retry: {
      attempts: number("TEST_ANALYSIS_ATTEMPTS", 3),
      baseDelayMs: number("TEST_ANALYSIS_BASE_DELAY_MS", 200),
      maxRateLimitWaitMs: 10_000,
    },
  },
});
const app = await startApp(env, {
  store,
  boss,
  log,
  registry,
  probot: { Octokit: FastOctokit, requestTimeoutMs: number("TEST_GITHUB_TIMEOUT_MS", 2_000) },
  pollingIntervalSeconds: 0.5,
});

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "signal received, stopping");
  app
    .stop()
    .then(() => boss.stop({ graceful: true, close: true, timeout: 30_000 }))
    .then(() => store.close())
    .then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, "error while stopping");
        process.exit(1);
      },
    );
};
process.once("SIGINT", () => shutdown("SIGINT"));
process.once("SIGTERM", () => shutdown("SIGTERM"));
