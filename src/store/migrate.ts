/** Applies the forward-only migrations in src/store/migrations, and reports which are pending. */
import type { Kysely } from "kysely";
import { type MigrationResult, Migrator } from "kysely/migration";
import { MIGRATIONS } from "./migrations/index.ts";
import type { Database } from "./schema.ts";

function migrator(db: Kysely<Database>): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
    migrationTableName: "maestro_migrations",
    migrationLockTableName: "maestro_migrations_lock",
  });
}

export interface MigrationOutcome {
  applied: string[];
}

export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationOutcome> {
  const { error, results } = await migrator(db).migrateToLatest();
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
  const migrations = await migrator(db).getMigrations();
  return migrations.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
