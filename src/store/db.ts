/**
 * The database handle as the rest of the app passes it around. Only src/store imports Kysely
 * (the self-check's `sql-stays-in-store` rule): callers hold a `Db`, open a transaction with
 * `inTransaction`, and call store functions with it.
 */
import type { Kysely, Transaction } from "kysely";
import type { Database } from "./schema.ts";

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;

/** Runs `work` in a new transaction, or in the caller's when `db` already is one. */
export function inTransaction<T>(db: Db, work: (trx: Tx) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db as Tx) : db.transaction().execute(work);
}
