/**
 * The app process: database (migrated at start), queue, in-process workers and the HTTP
 * server — webhooks (or Probot's setup flow without APP_ID), /healthz, /readyz, /metrics.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { PgBoss } from "pg-boss";
import type { Logger } from "pino";
import type { Probot } from "probot";
import { type AppEnv, describeEnv } from "../env/app-env.ts";
import { type AnalysisSetup, analysisOptionsFromEnv } from "../jobs/analysis-env.ts";
import { HandlerRegistry, registerDefaultHandlers } from "../jobs/handlers.ts";
import { DELIVERY_QUEUE, startQueue } from "../jobs/queue.ts";
import { startWorkers, wakeWorkers } from "../jobs/worker.ts";
import { openStore, type Store } from "../store/connect.ts";
import { EmbeddedMaintenance } from "../store/embedded-maintenance.ts";
import { migrateIfAllowed } from "../store/migrate.ts";
import { inSpan, SpanKind } from "../telemetry/spans.ts";
import { startTracing, type Tracing } from "../telemetry/tracing.ts";
import { AuditAnchorLog, logSchemaPreparation } from "./audit-guard.ts";
import { DeliveryAuditAppender } from "./delivery-appender.ts";
import { DeliveryIntake } from "./delivery-intake.ts";
import { checkReadiness } from "./health.ts";
import { sendJson, sendText } from "./http.ts";
import { setUpSentry, startWebhookProxy } from "./integrations.ts";
import { createLogger } from "./log.ts";
import { AppMetrics } from "./metrics.ts";
import { createProbot, type ProbotOverrides } from "./probot.ts";
import { createSetupHandler, type SetupHandler } from "./setup.ts";
import { handleWebhook } from "./webhooks.ts";

/** Shared intake transactions in flight on PostgreSQL (delivery-intake.ts). */
const INTAKE_CONCURRENCY_POSTGRES = 4;

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
  /** The delivery audit appender's delay and sweep period (tests); defaults in delivery-appender.ts. */
  deliveryAudit?: { delayMs?: number; sweepMs?: number } | undefined;
}

export interface RunningApp {
  readonly url: string;
  readonly server: Server;
  readonly store: Store;
  readonly boss: PgBoss;
  readonly probot: Probot | undefined;
  readonly metrics: AppMetrics;
  /** Appends the recorded deliveries' audit rows; `drain()` waits until they are all in. */
  readonly deliveryAudit: DeliveryAuditAppender;
  stop(): Promise<void>;
}

export async function startApp(env: AppEnv, options: StartOptions = {}): Promise<RunningApp> {
  const sentry = await setUpSentry(env.sentryDsn);
  const log =
    options.log ??
    createLogger({
      level: env.logLevel,
      format: env.logFormat,
      levelInString: env.logLevelInString,
      messageKey: env.logMessageKey,
      onError: sentry.sink,
    });
  log.info(describeEnv(env), "starting maestro-hive");
  if (sentry.warning) log.warn(sentry.warning);
  // 0. Tracing, when an OTLP endpoint is set (nothing of the SDK loads otherwise).
  const tracing = await startTracing({
    endpoint: env.otlpEndpoint,
    tracesEndpoint: env.otlpTracesEndpoint,
    serviceName: env.otelServiceName,
  });
  // 1. The database, migrated (when this role may), and the audit chains' anchor logged.
  const store = options.store ?? openStoreFromEnv(env, log);
  await migrate(store, log);
  const anchorLog = new AuditAnchorLog(store.db, log);
  anchorLog.start();
  // The deliveries' audit rows, appended off the webhook's answer (and, at start, what a crash left).
  const deliveryAudit = new DeliveryAuditAppender(store.db, log, options.deliveryAudit);
  deliveryAudit.start();
  // PGlite has no autovacuum; PostgreSQL vacuums itself.
  const maintenance = store.pglite
    ? new EmbeddedMaintenance(store.pglite, log, { intervalMs: env.embeddedVacuumMs })
    : undefined;
  maintenance?.start();
  // 2. The queue, watched for /readyz.
  const boss = options.boss ?? (await startQueue(store, { schema: env.queueSchema }));
  const queue = watchQueue(boss, log);
  // 3. Probot, the delivery handlers and the in-process workers.
  const metrics = new AppMetrics();
  const probot = createProbot(env, log, options.probot, metrics);
  const analysis = options.registry ? undefined : analysisOptionsFromEnv(env, log);
  const workerId = await startInProcessWorkers(env, options, { store, boss, probot, metrics, log }, analysis);
  // 4. The HTTP server: webhooks (or Probot's setup flow without APP_ID), health, readiness, metrics.
  const routes: Routes = {
    env,
    store,
    boss,
    queueRunning: queue.running,
    metrics,
    log,
    deliveryAudit,
    intake: new DeliveryIntake(store.db, boss, {
      concurrency: store.pglite ? 1 : INTAKE_CONCURRENCY_POSTGRES,
    }),
    workerId,
    setup: undefined,
  };
  const { server, url, port } = await listen(env, routes);
  if (env.appId === undefined) {
    routes.setup = await createSetupHandler({ host: env.host, port, log: log.child({ name: "setup" }) });
  }
  log.info({ url, mode: env.appId === undefined ? "setup" : "app" }, "listening");
  const proxy = await startWebhookProxy(env.webhookProxyUrl, `${url}${env.webhookPath}`, log);
  // 5. Stopping undoes it in reverse, once: no new requests, running jobs drain, then queue and database.
  const stop = once(() => {
    proxy?.stop();
    return stopApp({
      server,
      boss,
      store,
      workerId,
      anchorLog,
      deliveryAudit,
      maintenance,
      analysis,
      tracing,
      log,
      ownsBoss: !options.boss,
      ownsStore: !options.store,
    });
  });
  return { url, server, store, boss, probot, metrics, deliveryAudit, stop };
}

function openStoreFromEnv(env: AppEnv, log: Logger): Store {
  return openStore({
    databaseUrl: env.databaseUrl,
    dataDir: env.dataDir,
    onPoolError: (error) => log.warn({ err: error }, "an idle database connection broke; reconnecting"),
  });
}

/** A restricted role (README: Security) cannot migrate: it leaves them pending, logs it, and /readyz says so. */
async function migrate(store: Store, log: Logger): Promise<void> {
  logSchemaPreparation(log, await migrateIfAllowed(store.db), store.backend);
}

function watchQueue(boss: PgBoss, log: Logger): { running: () => boolean } {
  let running = true;
  boss.on("stopped", () => {
    running = false;
  });
  boss.on("error", (error) => log.error({ err: error }, "queue error"));
  return { running: () => running };
}

interface WorkerParts {
  readonly store: Store;
  readonly boss: PgBoss;
  readonly probot: Probot | undefined;
  readonly metrics: AppMetrics;
  readonly log: Logger;
}

/** The worker id, or undefined when this process takes no jobs (`MAESTRO_WORKERS=0`). */
async function startInProcessWorkers(
  env: AppEnv,
  options: StartOptions,
  { store, boss, probot, metrics, log }: WorkerParts,
  analysis: AnalysisSetup | undefined,
): Promise<string | undefined> {
  if (env.workers <= 0) return undefined;
  const registry =
    options.registry ??
    registerDefaultHandlers(new HandlerRegistry(), {
      analysis: analysis?.options ?? {},
      onboarding: env.onboarding,
    });
  return startWorkers(
    boss,
    { db: store.db, registry, log, probot, onJobSettled: (o, s, e) => metrics.observeJob(o, s, e) },
    { concurrency: env.workers, pollingIntervalSeconds: options.pollingIntervalSeconds },
  );
}

interface Routes {
  readonly env: AppEnv;
  readonly store: Store;
  readonly boss: PgBoss;
  readonly queueRunning: () => boolean;
  readonly metrics: AppMetrics;
  readonly log: Logger;
  readonly deliveryAudit: DeliveryAuditAppender;
  readonly intake: DeliveryIntake;
  /** This process's delivery workers, woken by each recorded delivery; undefined without workers. */
  readonly workerId: string | undefined;
  /** Probot's setup flow, once the server knows its port (only without APP_ID). */
  setup: SetupHandler | undefined;
}

async function route(routes: Routes, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { env, store, boss, metrics, log, deliveryAudit } = routes;
  const path = (req.url ?? "/").split("?")[0];
  if (path === "/healthz") return sendJson(res, 200, { status: "ok" });
  if (path === "/readyz") {
    const readiness = await checkReadiness(store.db, { boss, running: routes.queueRunning });
    metrics.observeReadiness(readiness.ready);
    const status = readiness.ready ? "ready" : "unready";
    return sendJson(res, readiness.ready ? 200 : 503, { status, ...readiness });
  }
  if (path === "/metrics") {
    const text = await metrics.render(store.db, boss, env.queueSchema);
    return sendText(res, 200, text, "text/plain; version=0.0.4");
  }
  if (path === env.webhookPath && env.webhookSecret !== undefined && env.appId !== undefined) {
    const body = { maxBytes: env.webhookMaxBytes, idleMs: env.webhookBodyIdleMs };
    const secret = env.webhookSecret;
    // The root span of the delivery's trace; handleWebhook names it after the event.
    return inSpan("webhook", { kind: SpanKind.SERVER }, () =>
      handleWebhook(req, res, {
        intake: routes.intake,
        secret,
        log,
        metrics,
        body,
        onRecorded: () => {
          deliveryAudit.wake();
          if (routes.workerId !== undefined) wakeWorkers(boss, routes.workerId);
        },
      }),
    );
  }
  if (env.appId === undefined && routes.setup && (await routes.setup(req, res))) return;
  sendJson(res, 404, { error: `no route for ${req.method} ${path}` });
}

async function listen(env: AppEnv, routes: Routes): Promise<{ server: Server; url: string; port: number }> {
  const server = createServer((req, res) => {
    route(routes, req, res).catch((error: unknown) => {
      routes.log.error({ err: error, url: req.url }, "request failed");
      if (!res.headersSent) sendJson(res, 500, { error: "internal error" });
      else res.destroy();
    });
  });
  // Bounded intake: past the cap new connections are refused; headers must arrive within 10 s and
  // a whole request within 60 s (a stalled webhook body is cut sooner, webhooks.ts).
  server.maxConnections = env.maxConnections;
  server.headersTimeout = 10_000;
  server.requestTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(env.port, env.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return { server, url: `http://${host}:${address.port}`, port: address.port };
}

interface StopParts {
  readonly server: Server;
  readonly boss: PgBoss;
  readonly store: Store;
  readonly workerId: string | undefined;
  readonly anchorLog: AuditAnchorLog;
  readonly deliveryAudit: DeliveryAuditAppender;
  readonly maintenance: EmbeddedMaintenance | undefined;
  readonly analysis: AnalysisSetup | undefined;
  readonly tracing: Tracing | undefined;
  readonly log: Logger;
  /** Started here (not passed in by a test), so stopped here. */
  readonly ownsBoss: boolean;
  readonly ownsStore: boolean;
}

async function stopApp({
  server,
  boss,
  store,
  workerId,
  anchorLog,
  deliveryAudit,
  maintenance,
  analysis,
  tracing,
  log,
  ownsBoss,
  ownsStore,
}: StopParts): Promise<void> {
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
  analysis?.stop();
  // A vacuum in progress ends (it holds the database meanwhile); none starts after it.
  await maintenance?.stop();
  // After the server closed: the audit rows of every delivery it acknowledged, before the anchor's last line.
  await deliveryAudit.stop();
  if (ownsBoss) await boss.stop({ graceful: true, close: true, timeout: 10_000 });
  await anchorLog.stop();
  if (ownsStore) await store.close();
  await tracing?.shutdown().catch((error: unknown) => log.warn({ err: error }, "could not flush the traces"));
  log.info("stopped");
}

/** `work` runs on the first call; every call returns its promise. */
function once(work: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => {
    running ??= work();
    return running;
  };
}
