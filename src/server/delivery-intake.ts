/**
 * Records deliveries and enqueues their jobs in shared transactions (group commit): the deliveries
 * that arrive while one transaction runs are recorded together in the next, one multi-row insert
 * for the deliveries and one for their jobs. Each statement costs far more to plan than its rows
 * cost to write — on PGlite, which runs one transaction at a time, a job inserted on its own took
 * ten times as long as one inserted in a batch — so under a burst the intake keeps up instead of
 * queueing behind itself. A lone delivery still commits at once, in a batch of one.
 *
 * Nothing is acknowledged before its transaction commits. When the database refuses a row of a
 * shared transaction, each of its deliveries is tried again in a transaction of its own, so one
 * delivery the database refuses fails only itself; any other failure fails the whole batch (503).
 */
import { type Context, context, trace } from "@opentelemetry/api";
import type { PgBoss } from "pg-boss";
import { enqueueDeliveries, enqueueDelivery } from "../jobs/queue.ts";
import { type Db, inTransaction, type Tx } from "../store/db.ts";
import { type DeliveryRecord, readyToRecord, recordDeliveries } from "../store/deliveries.ts";
import { urgently } from "../store/pglite-turns.ts";

export type IntakeOutcome = { recorded: false } | { recorded: true; jobId: string };

/** Deliveries per shared transaction. */
export const INTAKE_BATCH = 64;

interface Waiting {
  readonly delivery: DeliveryRecord;
  /** The webhook's trace context: a traced delivery's job continues its trace. */
  readonly context: Context;
  resolve(outcome: IntakeOutcome): void;
  reject(error: unknown): void;
}

export interface IntakeOptions {
  /**
   * Shared transactions in flight at once (default 1). On PostgreSQL a second one fills the round
   * trips of the first; PGlite runs one transaction at a time, so more would only wait.
   */
  concurrency?: number | undefined;
}

export class DeliveryIntake {
  readonly #db: Db;
  readonly #boss: PgBoss;
  readonly #concurrency: number;
  #waiting: Waiting[] = [];
  #running = 0;

  constructor(db: Db, boss: PgBoss, options: IntakeOptions = {}) {
    this.#db = db;
    this.#boss = boss;
    this.#concurrency = Math.max(1, options.concurrency ?? 1);
  }

  /**
   * Resolves once the delivery and its job are committed (or it was recorded before). Its payload
   * is compressed first (readyToRecord), so the shared transaction does not wait for it.
   */
  async record(delivery: DeliveryRecord): Promise<IntakeOutcome> {
    const active = context.active();
    const ready = await readyToRecord(delivery);
    return new Promise((resolve, reject) => {
      this.#waiting.push({ delivery: ready, context: active, resolve, reject });
      if (this.#running < this.#concurrency) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#running += 1;
    try {
      // Each batch starts after the event loop's next I/O phase: PGlite answers without ever
      // yielding to it, so without this a transaction would start and end within the turn that
      // read one request, and every delivery would commit alone.
      while ((await nextTurn()) && this.#waiting.length > 0) {
        const batch = this.#waiting.splice(0, INTAKE_BATCH);
        try {
          settle(batch, await this.#transaction(batch));
        } catch (error) {
          // Only a row the database refused is worth trying alone; a lost connection or a database
          // that is down would fail each one again, one timeout after another.
          if (batch.length > 1 && refusedRow(error)) await this.#oneByOne(batch);
          else for (const waiting of batch) waiting.reject(error);
        }
      }
    } finally {
      this.#running -= 1;
    }
  }

  async #oneByOne(batch: readonly Waiting[]): Promise<void> {
    for (const waiting of batch) {
      try {
        settle([waiting], await this.#transaction([waiting]));
      } catch (error) {
        waiting.reject(error);
      }
    }
  }

  /** A sender waits for it: on the embedded database it goes ahead of the jobs' statements. */
  #transaction(batch: readonly Waiting[]): Promise<Array<string | undefined>> {
    return urgently(() => inTransaction(this.#db, (trx) => this.#write(trx, batch)));
  }

  /** The job id of each delivery of the batch that is new; undefined for a redelivery. */
  async #write(trx: Tx, batch: readonly Waiting[]): Promise<Array<string | undefined>> {
    const recorded = await recordDeliveries(
      trx,
      batch.map((w) => w.delivery),
    );
    // An id repeated within the batch is new only the first time.
    const firsts = new Set<Waiting>();
    const seen = new Set<string>();
    for (const waiting of batch) {
      const id = waiting.delivery.deliveryId;
      if (recorded.has(id) && !seen.has(id)) firsts.add(waiting);
      seen.add(id);
    }
    const fresh = batch.filter((w) => firsts.has(w));
    const jobIds = new Map<Waiting, string>();
    const traced = fresh.filter((w) => trace.getSpan(w.context)?.isRecording());
    // Each traced delivery's job is sent within its own trace context (pg-boss stores one per insert).
    for (const waiting of traced) {
      const id = await context.with(waiting.context, () =>
        enqueueDelivery(this.#boss, trx, waiting.delivery.deliveryId),
      );
      if (!id) throw new Error(`the queue refused a job for new delivery ${waiting.delivery.deliveryId}`);
      jobIds.set(waiting, id);
    }
    const untraced = fresh.filter((w) => !traced.includes(w));
    const ids = await enqueueDeliveries(
      this.#boss,
      trx,
      untraced.map((w) => w.delivery.deliveryId),
    );
    for (const [i, waiting] of untraced.entries()) jobIds.set(waiting, ids[i] ?? "");
    return batch.map((w) => jobIds.get(w));
  }
}

/** A data exception, integrity violation or program limit (SQLSTATE class 22, 23, 54): one row's fault. */
function refusedRow(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^(22|23|54)/.test(code);
}

function nextTurn(): Promise<true> {
  return new Promise((resolve) => setImmediate(() => resolve(true)));
}

function settle(batch: readonly Waiting[], jobIds: ReadonlyArray<string | undefined>): void {
  batch.forEach((waiting, i) => {
    const jobId = jobIds[i];
    waiting.resolve(jobId === undefined ? { recorded: false } : { recorded: true, jobId });
  });
}
