/**
 * Appends the `delivery.received` audit rows of recorded deliveries, off the acknowledgement
 * path. The intake transaction records a delivery (`audit_pending` true) and enqueues its job
 * without touching the audit chain; this appends the pending deliveries of a chain in the order
 * they were received, many rows per acquisition of the chain's lock, and clears their marker
 * in the same transaction. So a crash before it commits leaves them pending for the next run,
 * and a delivery is audited at most once: every appender holds the chain's lock while it reads
 * what is pending, and sees what the previous holder cleared.
 */
import { sql } from "kysely";
import { appendAuditBatch, lockAuditChain, type NewAuditEvent } from "./audit.ts";
import { type Db, inTransaction, type Tx } from "./db.ts";

/** Pending deliveries appended per transaction (one lock acquisition, one INSERT). */
export const DELIVERY_AUDIT_BATCH = 200;

/** The audit chain of a delivery: its installation id, 0 without one. */
export function chainOfInstallation(installationId: number | null): number {
  return installationId ?? 0;
}

/** Chains that have deliveries waiting for their audit row. */
export async function chainsWithPendingDeliveries(db: Db): Promise<number[]> {
  const rows = await inTransaction(db, async (trx) => {
    await walkPendingIndex(trx);
    await sql`set local enable_seqscan = off`.execute(trx);
    return (
      await sql<{ installation_id: number | null }>`
        select distinct installation_id from deliveries where audit_pending`.execute(trx)
    ).rows;
  });
  const chains = new Set(rows.map((row) => chainOfInstallation(row.installation_id)));
  return [...chains].sort((a, b) => a - b);
}

/**
 * The reads of pending deliveries walk their partial index entry by entry instead of through a
 * bitmap. Each audited delivery leaves a dead entry there until a VACUUM, and the embedded
 * database never runs one (PGlite has no autovacuum): a bitmap scan visits every dead entry's heap
 * page on every read, a cost that grew with every delivery ever recorded, while an index scan
 * marks the dead entries it meets and skips them from then on.
 */
async function walkPendingIndex(trx: Tx): Promise<void> {
  await sql`set local enable_bitmapscan = off`.execute(trx);
}

/**
 * Appends the audit rows of the pending deliveries of one chain, batch by batch, until none is
 * left — or, with `until`, until that delivery's row is in (a job needs only its own, and what
 * was received before it); returns how many it appended.
 */
export async function auditPendingDeliveries(
  db: Db,
  chain: number,
  options: { batchSize?: number; until?: string } = {},
): Promise<number> {
  const batchSize = Math.max(1, options.batchSize ?? DELIVERY_AUDIT_BATCH);
  let total = 0;
  for (;;) {
    const appended = await inTransaction(db, (trx) => auditBatch(trx, chain, batchSize));
    total += appended.length;
    if (appended.length < batchSize) return total;
    if (options.until !== undefined && appended.includes(options.until)) return total;
  }
}

/** Every chain's pending deliveries; returns how many rows were appended. */
export async function auditAllPendingDeliveries(
  db: Db,
  options: { batchSize?: number } = {},
): Promise<number> {
  let total = 0;
  for (const chain of await chainsWithPendingDeliveries(db)) {
    total += await auditPendingDeliveries(db, chain, { batchSize: options.batchSize });
  }
  return total;
}

/** How many deliveries still wait for their audit row (all chains, or one). */
export async function countPendingDeliveries(db: Db, chain?: number): Promise<number> {
  const filter = chain === undefined ? sql`` : sql`and ${chainFilter(chain)}`;
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from deliveries where audit_pending ${filter}`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

function chainFilter(chain: number) {
  return chain === 0
    ? sql`(installation_id is null or installation_id = 0)`
    : sql`installation_id = ${chain}`;
}

interface PendingDelivery {
  delivery_id: string;
  event: string;
  action: string | null;
  repository: string | null;
  received_at: Date;
  sender: string | null;
}

/** One batch under the chain's lock; returns the delivery ids it audited. */
async function auditBatch(trx: Tx, chain: number, batchSize: number): Promise<string[]> {
  await lockAuditChain(trx, chain);
  await walkPendingIndex(trx);
  // Read under the lock: what an earlier holder appended is no longer pending.
  const { rows } = await sql<PendingDelivery>`
    select delivery_id, event, action, repository, received_at,
           coalesce(sender, case when jsonb_typeof(payload #> '{sender,login}') = 'string'
                                 then payload #>> '{sender,login}' end) as sender
    from deliveries
    where audit_pending and ${chainFilter(chain)}
    order by installation_id, received_at, delivery_id
    limit ${batchSize}`.execute(trx);
  if (rows.length === 0) return [];
  const events: NewAuditEvent[] = rows.map((row) => ({
    kind: "delivery.received",
    actor: row.sender,
    repository: row.repository,
    subject: `delivery:${row.delivery_id}`,
    data: { event: row.event, action: row.action },
    at: new Date(row.received_at),
  }));
  await appendAuditBatch(trx, chain, events);
  const ids = rows.map((row) => row.delivery_id);
  const cleared = await trx
    .updateTable("deliveries")
    .set({ audit_pending: false })
    .where("delivery_id", "in", ids)
    .where("audit_pending", "=", true)
    .executeTakeFirst();
  if (Number(cleared.numUpdatedRows) !== ids.length) {
    throw new Error("deliveries being audited changed under the chain's lock; nothing was appended");
  }
  return ids;
}
