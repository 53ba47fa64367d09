/**
 * The database of a CLI command that reads or writes the app's tables (suppressions,
 * quarantines): DATABASE_URL, else the embedded database in MAESTRO_DATA_DIR (default .data),
 * refused unless its schema is current.
 */
import { resolve } from "node:path";
import type { Store } from "../store/connect.ts";
import { openCommandStore } from "./command-store.ts";
import { requireCurrentSchema } from "./commands/db.ts";
import type { CliIo } from "./io.ts";

export async function openCliStore(io: CliIo): Promise<Store> {
  const databaseUrl = io.env.DATABASE_URL || undefined;
  const store = openCommandStore({
    databaseUrl,
    dataDir: resolve(io.cwd, io.env.MAESTRO_DATA_DIR ?? ".data"),
  });
  try {
    await requireCurrentSchema(store.db);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
