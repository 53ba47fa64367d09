/** Applies the forward-only migrations in src/store/migrations, and reports which are pending. */
import { type Kysely, sql } from "kysely";
import { type MigrationResult, Migrator } from "kysely/migration";
import { MIGRATIONS } from "./migrations/index.ts";
import type { Database } from "./schema.ts";

/**
 * The bookkeeping tables live in the connection's current schema, named explicitly: without
 * a schema Kysely treats a lock table in ANY schema (another test's, another app's) as ours,
 * skips creating it and then fails with "relation maestro_migrations_lock does not exist".
 */
async function migrator(db: Kysely<Database>): Promise<Migrator> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  return new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
    migrationTableName: "maestro_migrations",
    migrationLockTableName: "maestro_migrations_lock",
    migrationTableSchema: rows[0]?.schema ?? "public",
  });
}

export interface MigrationOutcome {
  applied: string[];
}

export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationOutcome> {
  const { error, results } = await (await migrator(db)).migrateToLatest();
  const applied = (results ?? [])
    .filter((r: MigrationResult) => r.status === "Success")
    .map((r: MigrationResult) => r.migrationName);
  if (error) {
    const failed = (results ?? []).find((r: MigrationResult) => r.status === "Error");
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`migration ${failed?.migrationName ?? "(unknown)"} failed: ${detail}`, { cause: error });
  }
  return { applied };
}

/** Names of migrations not yet applied (empty when the schema is current). */
export async function pendingMigrations(db: Kysely<Database>): Promise<string[]> {
  const migrations = await (await migrator(db)).getMigrations();
  return migrations.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
