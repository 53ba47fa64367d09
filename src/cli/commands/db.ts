/** `maestro-hive db migrate`: applies the database migrations (the app also does this at start). */
import { parseArgs } from "node:util";
import { openStore, storeOptionsFromEnv } from "../../store/connect.ts";
import { migrateToLatest, pendingMigrations } from "../../store/migrate.ts";
import { type CliIo, UsageError } from "../io.ts";

export const DB_USAGE = `Usage: maestro-hive db <migrate|status>

  migrate   apply every pending migration
  status    list pending migrations (exit 1 when some are pending)

The database is DATABASE_URL, or the embedded one in $MAESTRO_DATA_DIR (default ./.data).`;

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { help: { type: "boolean", short: "h" } },
    allowPositionals: true,
    strict: false,
  });
  if (values.help) {
    io.out(DB_USAGE);
    return 0;
  }
  const [action, ...extra] = positionals;
  if ((action !== "migrate" && action !== "status") || extra.length > 0) {
    throw new UsageError(`expected "migrate" or "status"\n\n${DB_USAGE}`);
  }
  const store = openStore(storeOptionsFromEnv(io.env, io.cwd));
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
    const { applied } = await migrateToLatest(store.db);
    io.out(
      applied.length === 0
        ? "database schema is current; nothing to apply"
        : `applied:\n  ${applied.join("\n  ")}`,
    );
    return 0;
  } finally {
    await store.close();
  }
}
