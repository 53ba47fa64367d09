/**
 * Periodic VACUUM (ANALYZE) of the embedded database. PGlite runs PostgreSQL in single-user mode:
 * `SHOW autovacuum` says on, but no autovacuum launcher ever starts, so every UPDATE and DELETE
 * (deliveries leaving the audit-pending index, pg-boss's job rows, caches) leaves dead tuples and
 * dead index entries that nothing reclaims: reads through those indexes slow down without limit
 * and the files only grow. PostgreSQL servers vacuum themselves; this is for PGlite only.
 *
 * Each run vacuums the tables with dead tuples or unanalyzed changes one statement at a time, not
 * the whole database in one: a statement holds PGlite (and this thread) until it ends, and between
 * statements the intake and the event loop take their turns (pglite-turns.ts).
 */
import type { PGlite } from "@electric-sql/pglite";
import type { Logger } from "pino";

/**
 * VACUUM's dead-tuple list and ANALYZE's sample live in PGlite's memory, inside the app process
 * (kept ≤ 300 MB resident, bench/app-memory): 4 MB holds ~700,000 dead tuple ids a pass, far more
 * than a period leaves; a larger backlog takes more index passes, not more memory.
 */
const MAINTENANCE_WORK_MEM = "4MB";

export interface MaintenanceRun {
  /** Tables vacuumed (schema-qualified). */
  readonly tables: readonly string[];
  /** Dead tuples the statistics counted in them before the run. */
  readonly deadTuples: number;
  readonly durationMs: number;
}

interface Candidate {
  readonly schemaname: string;
  readonly relname: string;
  readonly n_dead_tup: number;
}

/**
 * The tables worth a pass: dead tuples, or rows changed since their last analyze (the planner's
 * estimates of the pending index drift otherwise). TOAST tables go with their owners.
 */
async function candidates(pglite: PGlite): Promise<Candidate[]> {
  const { rows } = await pglite.query<Candidate>(
    `select schemaname, relname, n_dead_tup::int as n_dead_tup
       from pg_stat_all_tables
      where schemaname <> 'pg_toast' and (n_dead_tup > 0 or n_mod_since_analyze > 0)
      order by n_dead_tup desc`,
  );
  return rows;
}

function qualified(table: Candidate): string {
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
  return `${quote(table.schemaname)}.${quote(table.relname)}`;
}

/** One maintenance pass now; throws what PGlite throws (the caller logs it). */
export async function vacuumEmbedded(pglite: PGlite): Promise<MaintenanceRun> {
  const started = performance.now();
  // The statistics are flushed at most once a second; a pass just after writes would miss them.
  await pglite.query("select pg_stat_force_next_flush()");
  const tables = await candidates(pglite);
  if (tables.length > 0) await pglite.query(`set maintenance_work_mem = '${MAINTENANCE_WORK_MEM}'`);
  try {
    for (const table of tables) await pglite.query(`vacuum (analyze) ${qualified(table)}`);
  } finally {
    if (tables.length > 0 && !pglite.closed) await pglite.query("reset maintenance_work_mem");
  }
  return {
    tables: tables.map(qualified),
    deadTuples: tables.reduce((sum, table) => sum + table.n_dead_tup, 0),
    durationMs: Math.round(performance.now() - started),
  };
}

/**
 * Runs `vacuumEmbedded` every `intervalMs` (0: never), one run at a time. A failure is logged and
 * the next period tries again; `stop` waits for a run in progress, so the store closes after it.
 */
export class EmbeddedMaintenance {
  readonly #pglite: PGlite;
  readonly #log: Logger;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  /** `intervalMs`: the period between runs (the app's MAESTRO_EMBEDDED_VACUUM_MS); 0 or less: never. */
  constructor(pglite: PGlite, log: Logger, options: { intervalMs: number }) {
    this.#pglite = pglite;
    this.#log = log;
    this.#intervalMs = options.intervalMs;
  }

  start(): void {
    if (this.#intervalMs <= 0 || this.#stopped) return;
    this.#timer = setInterval(() => void this.runNow(), this.#intervalMs);
    this.#timer.unref();
  }

  /** A pass now, unless one is running (then its promise) or maintenance stopped. Never rejects. */
  runNow(): Promise<void> {
    if (this.#running) return this.#running;
    if (this.#stopped) return Promise.resolve();
    this.#running = this.#runOnce().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#running;
  }

  async #runOnce(): Promise<void> {
    try {
      const { tables, deadTuples, durationMs } = await vacuumEmbedded(this.#pglite);
      const message =
        tables.length > 0 ? "embedded database vacuumed" : "embedded database: nothing to vacuum";
      this.#log.info({ tables: tables.length, deadTuples, durationMs }, message);
    } catch (error) {
      this.#log.warn({ err: error }, "could not vacuum the embedded database; the next period tries again");
    }
  }
}
