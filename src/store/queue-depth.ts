/** Jobs per state of one pg-boss queue, read from pg-boss's tables (for the metrics endpoint). */
import { sql } from "kysely";
import { quoteIdentifier } from "./connect.ts";
import type { Db } from "./db.ts";

/** Counts of the queue's jobs by state (created, retry, active, completed, failed…); absent states are missing. */
export async function jobsByState(db: Db, queueSchema: string, queue: string): Promise<Map<string, number>> {
  // pg-boss's parent "job" table spans every queue's partition.
  const table = `${quoteIdentifier(queueSchema)}.job`;
  const rows = await sql<{ state: string; n: number }>`
    select state::text as state, count(*)::int as n from ${sql.raw(table)} where name = ${queue} group by state`.execute(
    db,
  );
  return new Map(rows.rows.map((row) => [row.state, Number(row.n)]));
}
