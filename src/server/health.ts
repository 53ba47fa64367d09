/** /healthz (the process is alive) and /readyz (database reachable, schema current, queue running). */
import type { PgBoss } from "pg-boss";
import { pingDatabase } from "../store/connect.ts";
import type { Db } from "../store/db.ts";
import { pendingMigrations } from "../store/migrate.ts";

export interface Readiness {
  ready: boolean;
  checks: {
    database: { ok: boolean; error?: string };
    migrations: { ok: boolean; pending?: string[]; error?: string };
    queue: { ok: boolean; error?: string };
  };
}

const CHECK_TIMEOUT_MS = 3000;

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function checkReadiness(
  db: Db,
  queue: { boss: PgBoss | undefined; running: () => boolean },
): Promise<Readiness> {
  const checks: Readiness["checks"] = {
    database: { ok: false },
    migrations: { ok: false },
    queue: { ok: false },
  };
  try {
    await withTimeout(pingDatabase(db), "the database");
    checks.database = { ok: true };
  } catch (error) {
    checks.database = { ok: false, error: reason(error) };
  }
  if (checks.database.ok) {
    try {
      const pending = await withTimeout(pendingMigrations(db), "the migration table");
      checks.migrations =
        pending.length === 0
          ? { ok: true }
          : {
              ok: false,
              pending,
              error: "run `maestro-hive db migrate` with the table owner's DATABASE_URL",
            };
    } catch (error) {
      checks.migrations = { ok: false, error: reason(error) };
    }
  } else {
    checks.migrations = { ok: false, error: "database unreachable" };
  }
  if (!queue.boss || !queue.running()) {
    checks.queue = { ok: false, error: "the queue is not running" };
  } else if (checks.database.ok) {
    try {
      const installed = await withTimeout(queue.boss.isInstalled(), "the queue");
      checks.queue = installed ? { ok: true } : { ok: false, error: "the queue schema is not installed" };
    } catch (error) {
      checks.queue = { ok: false, error: reason(error) };
    }
  } else {
    checks.queue = { ok: false, error: "database unreachable" };
  }
  return { ready: checks.database.ok && checks.migrations.ok && checks.queue.ok, checks };
}
