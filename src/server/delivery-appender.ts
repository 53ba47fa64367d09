/**
 * The process's delivery audit appender: appends the `delivery.received` rows of recorded
 * deliveries after they were acknowledged (src/store/delivery-audit.ts), so an intake never
 * waits for its installation's audit chain. The intake wakes it after each recorded delivery;
 * a run starts `delayMs` after the first wake-up, so deliveries arriving together are appended
 * together (many rows per lock, one transaction), and those recorded while it runs are taken by
 * the next run.
 * It also runs at start (what a crashed process left pending) and every `sweepMs` (what another
 * replica left), and a last time at stop. A job appends its delivery's pending rows itself
 * before it runs (src/jobs/worker.ts), so `delivery.received` always precedes the job's rows.
 */
import type { Logger } from "pino";
import type { Db } from "../store/db.ts";
import { auditAllPendingDeliveries } from "../store/delivery-audit.ts";

/** How often the appender looks for pending deliveries without being woken. */
export const DELIVERY_AUDIT_SWEEP_MS = 30_000;
/** A run starts this long after the wake-up that asked for it, to gather the deliveries arriving meanwhile. */
export const DELIVERY_AUDIT_DELAY_MS = 20;
/** After a failed run (database down, schema not migrated yet), the next try; doubled per failure up to the sweep period. */
const RETRY_MS = 1_000;

export class DeliveryAuditAppender {
  readonly #db: Db;
  readonly #log: Logger;
  readonly #sweepMs: number;
  readonly #delayMs: number;
  #timer: NodeJS.Timeout | undefined;
  #retry: NodeJS.Timeout | undefined;
  /** A run is scheduled (the delay is running). */
  #scheduled: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;
  #failures = 0;

  constructor(db: Db, log: Logger, options: { sweepMs?: number; delayMs?: number } = {}) {
    this.#db = db;
    this.#log = log;
    this.#sweepMs = options.sweepMs ?? DELIVERY_AUDIT_SWEEP_MS;
    this.#delayMs = options.delayMs ?? DELIVERY_AUDIT_DELAY_MS;
  }

  start(): void {
    this.#run();
    this.#timer = setInterval(() => this.wake(), this.#sweepMs);
    this.#timer.unref();
  }

  /** Asks for a run, `delayMs` from now; one already running runs once more when it ends. Never throws. */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    if (this.#scheduled) return;
    this.#scheduled = setTimeout(() => this.#run(), this.#delayMs);
    this.#scheduled.unref();
  }

  /** Resolves once every delivery recorded before the call is audited (or a run failed). */
  async drain(): Promise<void> {
    await this.#running;
    this.#run();
    await this.#running;
  }

  /** No more runs after the one in progress, then a last one for what the intake recorded meanwhile. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    clearTimeout(this.#retry);
    clearTimeout(this.#scheduled);
    await this.#running;
    await this.#runOnce();
  }

  /** Runs now, or, when a run is in progress, once more (after the delay) when it ends. */
  #run(): void {
    clearTimeout(this.#scheduled);
    this.#scheduled = undefined;
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#again = false;
    this.#running = this.#runOnce().then((ok) => {
      this.#running = undefined;
      if (this.#stopped) return;
      this.#failures = ok ? 0 : this.#failures + 1;
      if (!ok) {
        clearTimeout(this.#retry);
        const delay = Math.min(RETRY_MS * 2 ** (this.#failures - 1), this.#sweepMs);
        this.#retry = setTimeout(() => this.#run(), delay);
        this.#retry.unref();
      } else if (this.#again) {
        this.wake();
      }
    });
  }

  async #runOnce(): Promise<boolean> {
    try {
      const appended = await auditAllPendingDeliveries(this.#db);
      if (appended > 0) this.#log.debug({ appended }, "delivery audit rows appended");
      return true;
    } catch (error) {
      this.#log.warn(
        { err: error },
        "could not append the audit rows of recorded deliveries; they stay pending and are retried",
      );
      return false;
    }
  }
}
