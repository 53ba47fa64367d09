/**
 * `maestro-hive worker`: runs only delivery jobs, no HTTP server — for deployments that scale
 * web and worker processes apart (run the app with MAESTRO_WORKERS=0 then).
 */

import { analysisOptionsFromEnv } from "../../jobs/analysis-env.ts";
import { HandlerRegistry, registerDefaultHandlers } from "../../jobs/handlers.ts";
import { DELIVERY_QUEUE, startQueue } from "../../jobs/queue.ts";
import { startWorkers } from "../../jobs/worker.ts";
import { createLogger } from "../../server/log.ts";
import { createProbot } from "../../server/probot.ts";
import { startTracing } from "../../telemetry/tracing.ts";
import { appEnvOrUsage } from "../app-env-or-usage.ts";
import { openCommandStore } from "../command-store.ts";
import { type CliIo, UsageError } from "../io.ts";
import { requireCurrentSchema } from "./db.ts";
import { untilSignal } from "./until-signal.ts";

export const WORKER_USAGE = `Usage: maestro-hive worker [--concurrency N]

Runs delivery jobs from the queue until SIGINT or SIGTERM, beside the app on a shared
PostgreSQL. Same environment as the app (DATABASE_URL, APP_ID, PRIVATE_KEY, ...); --concurrency
defaults to MAESTRO_WORKERS, else 2.`;

/**
 * The embedded database is one process's (store/data-dir-lock.ts), so a worker could only run
 * with the app stopped, on jobs nobody adds: it is refused at once, saying what to do instead.
 */
const NEEDS_POSTGRES =
  "maestro-hive worker needs DATABASE_URL: it takes jobs from the app's queue on a shared " +
  "PostgreSQL. The embedded database (no DATABASE_URL) serves one process, and there the app " +
  "runs the jobs itself (MAESTRO_WORKERS, default 2).";

export async function run(args: string[], io: CliIo): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    io.out(WORKER_USAGE);
    return 0;
  }
  let concurrency: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--concurrency" && /^[1-9]\d*$/.test(args[i + 1] ?? "")) {
      concurrency = Number(args[++i]);
    } else {
      throw new UsageError(`unexpected argument "${arg}"\n\n${WORKER_USAGE}`);
    }
  }
  const env = appEnvOrUsage(io);
  if (!env.databaseUrl) throw new UsageError(NEEDS_POSTGRES);
  const log = createLogger({
    level: env.logLevel,
    format: env.logFormat,
    levelInString: env.logLevelInString,
    messageKey: env.logMessageKey,
  }).child({ process: "worker" });
  const tracing = await startTracing({
    endpoint: env.otlpEndpoint,
    tracesEndpoint: env.otlpTracesEndpoint,
    serviceName: env.otelServiceName,
  });
  const store = openCommandStore({ databaseUrl: env.databaseUrl, dataDir: env.dataDir });
  await requireCurrentSchema(store.db);
  const boss = await startQueue(store, { schema: env.queueSchema });
  boss.on("error", (error) => log.error({ err: error }, "queue error"));
  const workers = concurrency ?? Math.max(1, env.workers);
  const analysis = analysisOptionsFromEnv(env, log, workers);
  const workerId = await startWorkers(
    boss,
    {
      db: store.db,
      registry: registerDefaultHandlers(new HandlerRegistry(), {
        analysis: analysis.options,
        onboarding: env.onboarding,
      }),
      log,
      probot: createProbot(env, log),
    },
    { concurrency: workers },
  );
  log.info({ concurrency: workers }, "worker running");
  const signal = await untilSignal();
  log.info({ signal }, "stopping");
  await boss.offWork(DELIVERY_QUEUE, { id: workerId, wait: true });
  await boss.stop({ graceful: true, close: true, timeout: 10_000 });
  analysis.stop();
  await store.close();
  await tracing?.shutdown().catch((error: unknown) => log.warn({ err: error }, "could not flush the traces"));
  return 0;
}
