/**
 * What the app tells operators about its database role and the audit trail: at start, whether
 * migrations are pending that this role may not apply, and whether the role could rewrite the
 * trail; while it runs, the anchor of every audit chain in a log line whenever a chain grew (the
 * gauges on /metrics are in metrics.ts) — so a deleted tail or a recomputed chain shows against
 * what was logged.
 */
import type { Logger } from "pino";
import { chainHeads } from "../store/audit.ts";
import type { Db } from "../store/db.ts";
import { pendingMigrationsMessage, type SchemaPreparation } from "../store/migrate.ts";

export function logSchemaPreparation(log: Logger, prepared: SchemaPreparation, backend: string): void {
  if (prepared.applied.length > 0) log.info({ applied: prepared.applied }, "migrations applied");
  if (prepared.pending.length > 0) {
    log.error(
      { pending: prepared.pending, role: prepared.access.role },
      `${pendingMigrationsMessage(prepared.pending, prepared.access.role)}; /readyz answers 503 until then`,
    );
  }
  if (backend === "postgres" && prepared.access.ownsAuditTrail) {
    log.warn(
      { role: prepared.access.role },
      "the app's database role owns the audit table (or is a superuser): it could disable the append-only trigger " +
        "and rewrite the trail. Run the app as a role that owns nothing (`maestro-hive db roles`, README: Security)",
    );
  }
}

/** Default period of the anchor log line. */
export const ANCHOR_LOG_INTERVAL_MS = 60_000;

/**
 * Logs `audit anchor` with every chain whose head moved since the last line (the first line
 * has them all), every `intervalMs` and once more at stop. Reads the heads in one query.
 */
export class AuditAnchorLog {
  readonly #db: Db;
  readonly #log: Logger;
  readonly #logged = new Map<number, string>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(db: Db, log: Logger) {
    this.#db = db;
    this.#log = log;
  }

  start(intervalMs = ANCHOR_LOG_INTERVAL_MS): void {
    void this.logNow();
    this.#timer = setInterval(() => void this.logNow(), intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
    await this.logNow();
  }

  /** Logs the chains that moved; a database error is logged, never thrown (the next tick tries again). */
  logNow(): Promise<void> {
    this.#running = (async () => {
      try {
        const moved = (await chainHeads(this.#db)).filter(
          (head) => this.#logged.get(head.chain) !== head.headHash,
        );
        if (moved.length === 0) return;
        this.#log.info({ auditAnchor: moved }, "audit anchor");
        for (const head of moved) this.#logged.set(head.chain, head.headHash);
      } catch (error) {
        this.#log.warn({ err: error }, "could not read the audit chain heads");
      }
    })();
    return this.#running;
  }
}
