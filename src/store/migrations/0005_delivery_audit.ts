/**
 * A delivery's `delivery.received` audit row is appended after its acknowledgement, by the
 * process's appender (src/server/delivery-appender.ts), not in the intake transaction: that
 * transaction no longer waits for the installation's audit chain. `audit_pending` is the
 * crash-safe marker: true from the delivery's insert until the transaction that appends its
 * audit row, so a crash in between leaves it pending for the next appender run.
 *
 * The column is added with default false, so every delivery recorded before this migration (its
 * audit row written in its intake transaction) counts as audited; then the default becomes true,
 * so every delivery recorded from now on is pending until audited. The partial index holds only
 * the pending rows, in the order they are appended.
 */
import { type Kysely, sql } from "kysely";

const STATEMENTS = [
  `alter table deliveries add column audit_pending boolean not null default false`,
  `alter table deliveries alter column audit_pending set default true`,
  `create index deliveries_audit_pending on deliveries (installation_id, received_at, delivery_id)
     where audit_pending`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) {
    await sql.raw(statement).execute(db);
  }
}
