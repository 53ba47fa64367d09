/**
 * Dead letters: delivery jobs that exhausted their retries. They are pg-boss's own jobs in
 * state `failed` (a failing attempt with retries left is in `retry`), read from its tables and
 * joined with the recorded delivery. pg-boss keeps a failed job until its queue's
 * `deleteAfterSeconds` (7 days) have passed since it failed.
 */
import { sql } from "kysely";
import { quoteIdentifier } from "./connect.ts";
import type { Db } from "./db.ts";

export interface DeadLetter {
  readonly jobId: string;
  readonly deliveryId: string;
  /** null when the delivery row is missing (the job then failed on that). */
  readonly event: string | null;
  readonly action: string | null;
  readonly repository: string | null;
  readonly installationId: number | null;
  /** Attempts made: the first one and every retry. */
  readonly attempts: number;
  readonly failedAt: Date | null;
  /** The last attempt's error message, as pg-boss stored it. */
  readonly error: string | null;
}

interface DeadLetterRow {
  job_id: string;
  delivery_id: string | null;
  retry_count: number;
  completed_on: Date | string | null;
  error: string | null;
  event: string | null;
  action: string | null;
  repository: string | null;
  installation_id: number | null;
}

/** The queue's failed jobs, oldest failure first; `deliveryId` narrows it to that delivery's job. */
export async function listDeadLetters(
  db: Db,
  queueSchema: string,
  queue: string,
  options: { deliveryId?: string | undefined } = {},
): Promise<DeadLetter[]> {
  const job = sql.raw(`${quoteIdentifier(queueSchema)}.job`);
  const byDelivery =
    options.deliveryId === undefined ? sql`` : sql`and j.data->>'deliveryId' = ${options.deliveryId}`;
  const result = await sql<DeadLetterRow>`
    select j.id::text as job_id, j.data->>'deliveryId' as delivery_id, j.retry_count, j.completed_on,
           coalesce(j.output->>'message', j.output::text) as error,
           d.event, d.action, d.repository, d.installation_id
    from ${job} j
    left join deliveries d on d.delivery_id = j.data->>'deliveryId'
    where j.name = ${queue} and j.state = 'failed' ${byDelivery}
    order by j.completed_on, j.id`.execute(db);
  return result.rows.map((row) => ({
    jobId: row.job_id,
    deliveryId: row.delivery_id ?? "",
    event: row.event,
    action: row.action,
    repository: row.repository,
    installationId: row.installation_id === null ? null : Number(row.installation_id),
    attempts: Number(row.retry_count) + 1,
    failedAt: row.completed_on === null ? null : new Date(row.completed_on),
    error: row.error,
  }));
}
