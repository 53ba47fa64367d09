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

/**
 * What the connection's role may do to the schema. Migrations are DDL: only the role that owns
 * the tables (or, before the first migration, may create in the schema) can apply them. The
 * app's own role should not be that role — it could then disable the audit table's trigger.
 */
export interface SchemaAccess {
  readonly role: string;
  /** The role may apply migrations. */
  readonly canMigrate: boolean;
  /** The role owns the audit table (or is a member of its owner, or a superuser): it could rewrite the trail. */
  readonly ownsAuditTrail: boolean;
}

export async function schemaAccess(db: Kysely<Database>): Promise<SchemaAccess> {
  const { rows } = await sql<{ role: string; fresh: boolean; owns: boolean; can_create: boolean }>`
    select current_user::text as role,
           c.oid is null as fresh,
           coalesce(pg_has_role(current_user, c.relowner, 'USAGE'), false) as owns,
           has_schema_privilege(current_schema(), 'CREATE') as can_create
    from (select to_regclass('audit_events') as oid) t
    left join pg_class c on c.oid = t.oid`.execute(db);
  const row = rows[0];
  if (!row) throw new Error("could not read the database role's privileges");
  return {
    role: row.role,
    canMigrate: row.fresh ? row.can_create : row.owns,
    ownsAuditTrail: row.owns,
  };
}

export interface SchemaPreparation {
  readonly applied: string[];
  /** Still pending: this role may not migrate (run `maestro-hive db migrate` as the owner). */
  readonly pending: string[];
  readonly access: SchemaAccess;
}

/** Applies pending migrations when the role may; otherwise leaves them pending and says so. Never tries DDL it cannot do. */
export async function migrateIfAllowed(db: Kysely<Database>): Promise<SchemaPreparation> {
  const access = await schemaAccess(db);
  const pending = await pendingMigrations(db);
  if (pending.length === 0) return { applied: [], pending: [], access };
  if (!access.canMigrate) return { applied: [], pending, access };
  const { applied } = await migrateToLatest(db);
  return { applied, pending: await pendingMigrations(db), access };
}

/** The sentence every caller prints when migrations are pending and this role cannot apply them. */
export function pendingMigrationsMessage(pending: readonly string[], role: string): string {
  return (
    `the database schema is not current (pending: ${pending.join(", ")}) and role "${role}" may not migrate it: ` +
    "run `maestro-hive db migrate` with the table owner's DATABASE_URL"
  );
}

/** For CLI commands: migrate when allowed, else fail with the message above. */
export async function ensureSchema(db: Kysely<Database>): Promise<void> {
  const prepared = await migrateIfAllowed(db);
  if (prepared.pending.length > 0)
    throw new Error(pendingMigrationsMessage(prepared.pending, prepared.access.role));
}

/** Whether a schema exists (the job queue's, made for a restricted role beforehand). */
export async function schemaExists(db: Kysely<Database>, name: string): Promise<boolean> {
  const { rows } = await sql`select 1 from pg_namespace where nspname = ${name}`.execute(db);
  return rows.length > 0;
}
