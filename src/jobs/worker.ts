/**
 * Runs delivery jobs: loads the recorded delivery, dispatches it to the registered handlers
 * and audits the outcome. A handler error fails the job, so pg-boss retries it with backoff.
 */
import type { PgBoss } from "pg-boss";
import type { Logger } from "pino";
import { Context, type Probot, type ProbotOctokit } from "probot";
import type { DeliveryContext } from "../github/delivery.ts";
import { appendAudit } from "../store/audit.ts";
import type { Db } from "../store/db.ts";
import { deliveryChain, getDelivery, type RecordedDelivery } from "../store/deliveries.ts";
import { auditPendingDeliveries, chainOfInstallation } from "../store/delivery-audit.ts";
import { activeSpan, inSpan } from "../telemetry/spans.ts";
import type { HandlerRegistry } from "./handlers.ts";
import { DELIVERY_QUEUE, type DeliveryJobData } from "./queue.ts";

export type JobOutcome = "completed" | "failed";

export interface WorkerDeps {
  db: Db;
  registry: HandlerRegistry;
  log: Logger;
  /** The app's Probot instance; undefined in setup mode (handlers then cannot call GitHub). */
  probot?: Probot | undefined;
  now?: () => Date;
  /** Told about every settled job, for metrics. */
  onJobSettled?: (outcome: JobOutcome, seconds: number, event: string | undefined) => void;
}

export class DeliveryNotFoundError extends Error {}

/** Processes one delivery job. Throws when a handler fails (the job then fails and retries). */
export async function processDelivery(deps: WorkerDeps, deliveryId: string, jobId: string): Promise<void> {
  const attributes = { "github.delivery": deliveryId, "messaging.message.id": jobId };
  return inSpan("job", { attributes }, () => processInSpan(deps, deliveryId, jobId));
}

async function processInSpan(deps: WorkerDeps, deliveryId: string, jobId: string): Promise<void> {
  const started = performance.now();
  const log = deps.log.child({ deliveryId, jobId });
  let event: string | undefined;
  try {
    const delivery = await getDelivery(deps.db, deliveryId);
    if (!delivery) throw new DeliveryNotFoundError(`delivery ${deliveryId} is not recorded`);
    event = delivery.event;
    // The delivery's own `delivery.received` row (appended after the intake answered) goes into
    // the chain before anything this job appends: if the appender has not reached it yet, this
    // appends it, with the chain's deliveries received before it.
    if (delivery.audit_pending) {
      const chain = chainOfInstallation(delivery.installation_id);
      await auditPendingDeliveries(deps.db, chain, { until: delivery.delivery_id });
    }
    const span = activeSpan();
    span?.updateName(`job ${[delivery.event, delivery.action].filter(Boolean).join(".")}`);
    span?.setAttributes({ "github.event": delivery.event, "github.repository": delivery.repository ?? "" });
    const context = deliveryContext(deps, delivery, jobId, log);
    const handlers = deps.registry.handlersFor(delivery.event, delivery.action);
    log.info(
      { event: delivery.event, action: delivery.action, handlers: handlers.map((h) => h.name) },
      "job started",
    );
    for (const { name, handler } of handlers) {
      try {
        await inSpan(`handler ${name}`, {}, () => handler(context));
      } catch (error) {
        throw new HandlerError(name, error);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    await context.audit({
      kind: "job.completed",
      subject: `delivery:${deliveryId}`,
      data: {
        jobId,
        event: delivery.event,
        action: delivery.action,
        handlers: handlers.map((h) => h.name),
        seconds,
      },
    });
    log.info({ seconds }, "job completed");
    deps.onJobSettled?.("completed", seconds, event);
  } catch (error) {
    const seconds = (performance.now() - started) / 1000;
    const message = error instanceof Error ? error.message : String(error);
    log.error({ err: error, seconds }, "job failed");
    await appendAudit(deps.db, {
      chain: await deliveryChain(deps.db, deliveryId),
      kind: "job.failed",
      subject: `delivery:${deliveryId}`,
      data: { jobId, event, error: message, handler: error instanceof HandlerError ? error.handler : null },
    }).catch((auditError: unknown) => log.error({ err: auditError }, "could not audit the failed job"));
    deps.onJobSettled?.("failed", seconds, event);
    throw error;
  }
}

class HandlerError extends Error {
  readonly handler: string;
  constructor(handler: string, cause: unknown) {
    super(`handler ${handler} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.handler = handler;
  }
}

function deliveryContext(
  deps: WorkerDeps,
  delivery: RecordedDelivery,
  jobId: string,
  log: Logger,
): DeliveryContext {
  const payload = (delivery.payload ?? {}) as Record<string, unknown>;
  const chain = delivery.installation_id ?? 0;
  let octokit: Promise<ProbotOctokit> | undefined;
  const getOctokit = (): Promise<ProbotOctokit> => {
    const probot = deps.probot;
    if (!probot) return Promise.reject(new Error("GitHub is not configured (setup mode: APP_ID is not set)"));
    if (delivery.installation_id === null) {
      return Promise.reject(new Error(`delivery ${delivery.delivery_id} carries no installation`));
    }
    octokit ??= probot.auth(delivery.installation_id);
    return octokit;
  };
  return {
    deliveryId: delivery.delivery_id,
    jobId,
    event: delivery.event,
    action: delivery.action,
    payload,
    installationId: delivery.installation_id,
    repository: delivery.repository,
    db: deps.db,
    log,
    now: deps.now ?? (() => new Date()),
    async audit(event) {
      await appendAudit(deps.db, { ...event, chain });
    },
    octokit: getOctokit,
    async probotContext() {
      const client = await getOctokit();
      return new Context({ id: delivery.delivery_id, name: delivery.event, payload } as never, client, log);
    },
  };
}

export interface WorkerOptions {
  /** Jobs run concurrently by this process. */
  concurrency: number;
  /**
   * How often an idle worker polls. It is the backstop: a delivery recorded by this process wakes
   * its workers at once (wakeWorkers), and on PostgreSQL a NOTIFY wakes every replica's.
   */
  pollingIntervalSeconds?: number;
}

export const DEFAULT_POLLING_INTERVAL_SECONDS = 2;

/** Starts delivery workers on the queue; returns their ids (for boss.offWork). */
export async function startWorkers(boss: PgBoss, deps: WorkerDeps, options: WorkerOptions): Promise<string> {
  const polling = options.pollingIntervalSeconds ?? DEFAULT_POLLING_INTERVAL_SECONDS;
  return boss.work<DeliveryJobData>(
    DELIVERY_QUEUE,
    {
      localConcurrency: Math.max(1, options.concurrency),
      batchSize: 1,
      pollingIntervalSeconds: polling,
      // pg-boss relaxes the poll to 30 s where NOTIFY is active; a retry's backoff ends without a
      // NOTIFY, so the poll keeps its interval.
      notifyPollingIntervalSeconds: polling,
    },
    async (jobs) => {
      for (const job of jobs) await processDelivery(deps, job.data.deliveryId, job.id);
    },
  );
}

/**
 * Wakes the workers started under `workId` (startWorkers' id) to fetch now rather than at their
 * next poll: the idle ones, or, when all are busy, all of them, so each fetches again as soon as its
 * job ends. Call it after the transaction that enqueued a job committed. A worker woken for nothing
 * makes one empty fetch.
 */
export function wakeWorkers(boss: PgBoss, workId: string): void {
  const mine = boss.getWipData().filter((w) => w.workId === workId);
  const idle = mine.filter((w) => w.count === 0);
  for (const worker of idle.length > 0 ? idle : mine) boss.notifyWorker(worker.id);
}
