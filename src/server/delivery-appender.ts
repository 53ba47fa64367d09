/**
 * The process's delivery audit appender: appends the `delivery.received` rows of recorded
 * deliveries after they were acknowledged (src/store/delivery-audit.ts), so an intake never
 * waits for its installation's audit chain. The intake wakes it after each recorded delivery;
 * deliveries recorded while it runs are taken together by its next run (many rows per lock).
 * It also runs at start (what a crashed process left pending) and every `sweepMs` (what another
 * replica left), and a last time at stop. A job appends its delivery's pending rows itself
 * before it runs (src/jobs/worker.ts), so `delivery.received` always precedes the job's rows.
 */
import type { Logger } from "pino";
import type { Db } from "../store/db.ts";
import { auditAllPendingDeliveries } from "../store/delivery-audit.ts";

/** How often the appender looks for pending deliveries without being woken. */
export const DELIVERY_AUDIT_SWEEP_MS = 30_000;
/** After a failed run (database down), the next try. */
const RETRY_MS = 1_000;

export class DeliveryAuditAppender {
  readonly #db: Db;
  readonly #log: Logger;
  readonly #sweepMs: number;
  #timer: NodeJS.Timeout | undefined;
  #retry: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;

  constructor(db: Db, log: Logger, options: { sweepMs?: number } = {}) {
    this.#db = db;
    this.#log = log;
    this.#sweepMs = options.sweepMs ?? DELIVERY_AUDIT_SWEEP_MS;
  }

  start(): void {
    this.wake();
    this.#timer = setInterval(() => this.wake(), this.#sweepMs);
    this.#timer.unref();
  }

  /** Asks for a run; one already running runs once more when it ends. Never throws. */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#loop().finally(() => {
      this.#running = undefined;
    });
  }

  /** Resolves once every delivery recorded before the call is audited (or a run failed). */
  async drain(): Promise<void> {
    await this.#running;
    this.wake();
    await this.#running;
  }

  /** No more runs after the one in progress, then a last one for what the intake recorded meanwhile. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    clearTimeout(this.#retry);
    await this.#running;
    await this.#runOnce();
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false;
      if (!(await this.#runOnce())) {
        if (!this.#stopped) {
          clearTimeout(this.#retry);
          this.#retry = setTimeout(() => this.wake(), RETRY_MS);
          this.#retry.unref();
        }
        return;
      }
    } while (this.#again && !this.#stopped);
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
