/**
 * Two database roles, so the app cannot rewrite its own audit trail:
 *
 * - the owner owns the tables and runs `maestro-hive db migrate` (DDL);
 * - the app reads and writes rows, may only INSERT and SELECT audit rows, and owns nothing of
 *   ours — so it can neither UPDATE/DELETE/TRUNCATE audit rows nor disable or drop the
 *   trigger that refuses those (only a table's owner can ALTER it). It owns the job queue's
 *   schema, whose tables pg-boss creates and migrates itself.
 *
 * `rolesSetupSql` is what a superuser runs once; `grantAppRole` is what `db migrate` runs as
 * the owner after every migration, so tables added later are granted too.
 */
import { type Kysely, sql } from "kysely";
import type { Database } from "./schema.ts";

export interface RoleNames {
  readonly owner: string;
  readonly app: string;
  /** Schema of the app's tables (default public). */
  readonly schema: string;
  /** Schema of the job queue (MAESTRO_QUEUE_SCHEMA, default pgboss). */
  readonly queueSchema: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Role and schema names go into SQL text: lowercase identifiers only. */
export function checkIdentifier(what: string, name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`${what} must be a lowercase SQL identifier, not "${name}"`);
  return name;
}

/** Privileges of the app role per table; every other table of ours gets SELECT, INSERT, UPDATE, DELETE. */
export const APP_TABLE_PRIVILEGES: Readonly<Record<string, string>> = {
  audit_events: "SELECT, INSERT",
  maestro_migrations: "SELECT",
  maestro_migrations_lock: "SELECT",
};
const DEFAULT_TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE";

/** The SQL a superuser runs once (psql -v ON_ERROR_STOP=1), before the first `db migrate`. */
export function rolesSetupSql(names: RoleNames): string {
  const owner = checkIdentifier("--owner", names.owner);
  const app = checkIdentifier("--app", names.app);
  const schema = checkIdentifier("--schema", names.schema);
  const queue = checkIdentifier("--queue-schema", names.queueSchema);
  if (owner === app) throw new Error("the owner and the app must be two different roles");
  const schemaSql =
    schema === "public"
      ? [`GRANT USAGE, CREATE ON SCHEMA public TO ${owner};`]
      : [
          `CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${owner};`,
          `ALTER ROLE ${owner} SET search_path = ${schema};`,
          `ALTER ROLE ${app} SET search_path = ${schema};`,
        ];
  return `-- Maestro Hive database roles. Run once as a superuser, before the first migration:
--   maestro-hive db roles | psql -v ON_ERROR_STOP=1 "$SUPERUSER_DATABASE_URL"
-- then set both passwords (\\password ${owner}, \\password ${app}), then as the owner:
--   DATABASE_URL=postgres://${owner}:…@host/db maestro-hive db migrate --app-role ${app}
-- and run the app with DATABASE_URL=postgres://${app}:…@host/db.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${owner}') THEN
    CREATE ROLE ${owner} LOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${app}') THEN
    CREATE ROLE ${app} LOGIN;
  END IF;
END
$$;
-- The app role may never act as the owner or bypass privileges.
ALTER ROLE ${app} NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION;
DO $$
BEGIN
  IF pg_has_role('${app}', '${owner}', 'MEMBER') THEN
    RAISE EXCEPTION 'role ${app} is a member of ${owner}: it could alter the audit table';
  END IF;
END
$$;
-- The owner creates and alters our tables; the app may use them but create nothing there.
${schemaSql.join("\n")}
GRANT USAGE ON SCHEMA ${schema} TO ${app};
REVOKE CREATE ON SCHEMA ${schema} FROM ${app};
REVOKE CREATE ON SCHEMA ${schema} FROM PUBLIC;
-- The job queue: pg-boss creates and migrates its own tables, in a schema the app owns.
CREATE SCHEMA IF NOT EXISTS ${queue} AUTHORIZATION ${app};
`;
}

/**
 * Grants the app role exactly its privileges on every table and sequence the current role owns
 * in the current schema (run as the owner, after migrating). Idempotent.
 */
export async function grantAppRole(db: Kysely<Database>, app: string): Promise<void> {
  checkIdentifier("the app role", app);
  const tables = await sql<{ name: string; kind: string }>`
    select c.relname::text as name, c.relkind::text as kind from pg_class c
    where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'p', 'S')
      and pg_has_role(current_user, c.relowner, 'USAGE')
    order by c.relname`.execute(db);
  await db.transaction().execute(async (trx) => {
    for (const { name, kind } of tables.rows) {
      const table = sql.id(name);
      const role = sql.id(app);
      if (kind === "S") {
        await sql`revoke all on sequence ${table} from ${role}`.execute(trx);
        await sql`grant usage, select on sequence ${table} to ${role}`.execute(trx);
        continue;
      }
      const privileges = APP_TABLE_PRIVILEGES[name] ?? DEFAULT_TABLE_PRIVILEGES;
      await sql`revoke all on table ${table} from ${role}`.execute(trx);
      await sql`grant ${sql.raw(privileges)} on table ${table} to ${role}`.execute(trx);
    }
  });
}

/** Roles other than the owner that may insert audit rows: the app roles a later `db migrate` keeps granting. */
export async function grantedAppRoles(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ role: string }>`
    select distinct pg_get_userbyid(a.grantee)::text as role
    from pg_class c, aclexplode(c.relacl) a
    where c.oid = to_regclass('audit_events') and a.privilege_type = 'INSERT'
      and a.grantee <> c.relowner and a.grantee <> 0
    order by 1`.execute(db);
  return rows.map((row) => row.role);
}
