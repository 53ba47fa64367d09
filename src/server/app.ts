/**
 * The app process: database (migrated at start), queue, in-process workers and the HTTP
 * server — webhooks (or Probot's setup flow without APP_ID), /healthz, /readyz, /metrics.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { PgBoss } from "pg-boss";
import type { Logger } from "pino";
import type { Probot } from "probot";
import { explainerSettingsFromEnv } from "../ai/explain.ts";
import { type AppEnv, describeEnv } from "../config/env.ts";
import { HandlerRegistry, registerDefaultHandlers } from "../jobs/handlers.ts";
import { DELIVERY_QUEUE, startQueue } from "../jobs/queue.ts";
import { startWorkers } from "../jobs/worker.ts";
import { openStore, type Store } from "../store/connect.ts";
import { migrateIfAllowed } from "../store/migrate.ts";
import { AuditAnchorLog, logSchemaPreparation } from "./audit-guard.ts";
import { checkReadiness } from "./health.ts";
import { sendJson, sendText } from "./http.ts";
import { createLogger } from "./log.ts";
import { AppMetrics } from "./metrics.ts";
import { createProbot, type ProbotOverrides } from "./probot.ts";
import { createSetupHandler, type SetupHandler } from "./setup.ts";
import { handleWebhook } from "./webhooks.ts";

export interface StartOptions {
  log?: Logger | undefined;
  /** An open store (tests); otherwise opened from the environment and closed on stop. */
  store?: Store | undefined;
  /** A started queue on that store (tests); otherwise started here and stopped on stop. */
  boss?: PgBoss | undefined;
  registry?: HandlerRegistry | undefined;
  probot?: ProbotOverrides | undefined;
  /** Worker poll interval (tests use a short one). */
  pollingIntervalSeconds?: number | undefined;
}

export interface RunningApp {
  readonly url: string;
  readonly server: Server;
  readonly store: Store;
  readonly boss: PgBoss;
  readonly probot: Probot | undefined;
  readonly metrics: AppMetrics;
  stop(): Promise<void>;
}

export async function startApp(env: AppEnv, options: StartOptions = {}): Promise<RunningApp> {
  const log = options.log ?? createLogger(env.logLevel);
  log.info(describeEnv(env), "starting maestro-hive");
  const ownsStore = options.store === undefined;
  const store =
    options.store ??
    openStore({
      databaseUrl: env.databaseUrl,
      dataDir: env.dataDir,
      onPoolError: (error) => log.warn({ err: error }, "an idle database connection broke; reconnecting"),
    });
  // A restricted role (README: Security) cannot migrate: pending migrations are reported, and /readyz says so.
  logSchemaPreparation(log, await migrateIfAllowed(store.db), store.backend);
  const anchorLog = new AuditAnchorLog(store.db, log);
  anchorLog.start();
  const ownsBoss = options.boss === undefined;
  const boss = options.boss ?? (await startQueue(store, { schema: env.queueSchema }));
  let queueRunning = true;
  boss.on("stopped", () => {
    queueRunning = false;
  });
  boss.on("error", (error) => log.error({ err: error }, "queue error"));

  const metrics = new AppMetrics();
  const probot = createProbot(env, log, options.probot, metrics);
  const registry =
    options.registry ??
    registerDefaultHandlers(new HandlerRegistry(), { analysis: { ai: explainerSettingsFromEnv(env) } });
  let workerId: string | undefined;
  if (env.workers > 0) {
    workerId = await startWorkers(
      boss,
      { db: store.db, registry, log, probot, onJobSettled: (o, s, e) => metrics.observeJob(o, s, e) },
      { concurrency: env.workers, pollingIntervalSeconds: options.pollingIntervalSeconds },
    );
  }

  let setup: SetupHandler | undefined;
  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/healthz") return sendJson(res, 200, { status: "ok" });
    if (path === "/readyz") {
      const readiness = await checkReadiness(store.db, { boss, running: () => queueRunning });
      return sendJson(res, readiness.ready ? 200 : 503, {
        status: readiness.ready ? "ready" : "unready",
        ...readiness,
      });
    }
    if (path === "/metrics") {
      return sendText(
        res,
        200,
        await metrics.render(store.db, boss, env.queueSchema),
        "text/plain; version=0.0.4",
      );
    }
    if (path === env.webhookPath && env.webhookSecret !== undefined && env.appId !== undefined) {
      return handleWebhook(req, res, { db: store.db, boss, secret: env.webhookSecret, log, metrics });
    }
    if (env.appId === undefined && setup && (await setup(req, res))) return;
    sendJson(res, 404, { error: `no route for ${req.method} ${path}` });
  };
  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      log.error({ err: error, url: req.url }, "request failed");
      if (!res.headersSent) sendJson(res, 500, { error: "internal error" });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(env.port, env.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  if (env.appId === undefined) {
    setup = await createSetupHandler({
      host: env.host,
      port: address.port,
      log: log.child({ name: "setup" }),
    });
  }
  log.info({ url, mode: env.appId === undefined ? "setup" : "app" }, "listening");

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (workerId !== undefined) {
        // Wait a bounded time for running jobs; one still running after that is retried by
        // another worker once its heartbeat lapses.
        const drained = boss.offWork(DELIVERY_QUEUE, { id: workerId, wait: true }).catch(() => undefined);
        await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
      }
      if (ownsBoss) await boss.stop({ graceful: true, close: true, timeout: 10_000 });
      await anchorLog.stop();
      if (ownsStore) await store.close();
      log.info("stopped");
    })();
    return stopping;
  };
  return { url, server, store, boss, probot, metrics, stop };
}
