/**
 * `maestro-hive db migrate|status|roles`: applies the migrations (as the table owner), lists
 * pending ones, and prints the SQL that sets up the owner and app roles (README, "Security").
 */
import { parseArgs } from "node:util";
import { type openStore, storeOptionsFromEnv } from "../../store/connect.ts";
import type { Db } from "../../store/db.ts";
import { ensureSchema, migrateToLatest, pendingMigrations, schemaAccess } from "../../store/migrate.ts";
import { checkIdentifier, grantAppRole, grantedAppRoles, rolesSetupSql } from "../../store/roles.ts";
import { openCommandStore } from "../command-store.ts";
import { type CliIo, parseOrUsage, UsageError } from "../io.ts";

export const DB_USAGE = `Usage: maestro-hive db <migrate|status|roles> [options]

  migrate [--app-role NAME]
            apply every pending migration; run it as the role that owns the tables. Then
            grant the app role its privileges on every table (NAME, or the roles granted
            before): rows read/write, audit rows insert-only
  status    list pending migrations (exit 1 when some are pending)
  roles [--owner NAME] [--app NAME] [--schema NAME] [--queue-schema NAME]
            print the SQL a superuser runs once to create the two roles: the owner
            (default maestro_owner) runs migrations, the app (default maestro_app) runs the
            app and cannot alter the audit table. --schema: the tables' schema (default
            public); --queue-schema: the job queue's (default $MAESTRO_QUEUE_SCHEMA or pgboss)

The database is DATABASE_URL, or the embedded one in $MAESTRO_DATA_DIR (default ./.data).`;

const OPTIONS = {
  help: { type: "boolean", short: "h" },
  "app-role": { type: "string" },
  owner: { type: "string" },
  app: { type: "string" },
  schema: { type: "string" },
  "queue-schema": { type: "string" },
} as const;

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOrUsage(
    () => parseArgs({ args, options: OPTIONS, allowPositionals: true }),
    DB_USAGE,
  );
  if (values.help) {
    io.out(DB_USAGE);
    return 0;
  }
  const [action, ...extra] = positionals;
  if (!action || !["migrate", "status", "roles"].includes(action) || extra.length > 0) {
    throw new UsageError(`expected "migrate", "status" or "roles"\n\n${DB_USAGE}`);
  }
  if (action === "roles") {
    io.out(
      usageOnError(() =>
        rolesSetupSql({
          owner: values.owner ?? "maestro_owner",
          app: values.app ?? "maestro_app",
          schema: values.schema ?? "public",
          queueSchema: values["queue-schema"] ?? (io.env.MAESTRO_QUEUE_SCHEMA?.trim() || "pgboss"),
        }),
      ),
    );
    return 0;
  }
  const appRole = values["app-role"];
  if (appRole !== undefined) usageOnError(() => checkIdentifier("--app-role", appRole));
  const store = openCommandStore(storeOptionsFromEnv(io.env, io.cwd));
  try {
    if (action === "status") {
      const pending = await pendingMigrations(store.db);
      io.out(
        pending.length === 0
          ? "database schema is current"
          : `pending migrations:\n  ${pending.join("\n  ")}`,
      );
      return pending.length === 0 ? 0 : 1;
    }
    return await migrate(store, appRole, io);
  } finally {
    await store.close();
  }
}

async function migrate(
  store: ReturnType<typeof openStore>,
  appRole: string | undefined,
  io: CliIo,
): Promise<number> {
  const access = await schemaAccess(store.db);
  if (!access.canMigrate) {
    io.err(
      `maestro-hive: role "${access.role}" does not own the tables and cannot migrate them: ` +
        "run `db migrate` with the owner's DATABASE_URL (see `maestro-hive db roles`)",
    );
    return 1;
  }
  if (appRole !== undefined && store.backend !== "postgres") {
    throw new UsageError("--app-role needs PostgreSQL (DATABASE_URL); the embedded database has one role");
  }
  const { applied } = await migrateToLatest(store.db);
  io.out(
    applied.length === 0
      ? "database schema is current; nothing to apply"
      : `applied:\n  ${applied.join("\n  ")}`,
  );
  if (store.backend !== "postgres") return 0;
  const roles = [...new Set([...(appRole ? [appRole] : []), ...(await grantedAppRoles(store.db))])];
  for (const role of roles) {
    await grantAppRole(store.db, role);
    io.out(`granted the app role "${role}" its privileges (audit rows: insert and select only)`);
  }
  if (roles.length === 0) {
    io.err(
      "maestro-hive: no app role is granted yet: if the app runs as this role it can rewrite the audit trail " +
        "(see `maestro-hive db roles` and `db migrate --app-role NAME`)",
    );
  }
  return 0;
}

function usageOnError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** For database-backed commands: migrates when this role may, else exits 2 saying who must. */
export async function requireCurrentSchema(db: Db): Promise<void> {
  await ensureSchema(db).catch((error: unknown) => {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  });
}
