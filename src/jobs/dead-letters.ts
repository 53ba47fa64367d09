/**
 * Replaying dead letters: a failed delivery job goes back to the queue as pg-boss's own retry
 * (same job id, one more attempt, taken by any worker like every other job), in one transaction
 * with an audit row naming who replayed it. The delivery and its payload are the recorded ones.
 */
import { fromKysely, type PgBoss } from "pg-boss";
import { appendAudit } from "../store/audit.ts";
import { type Db, inTransaction } from "../store/db.ts";
import type { DeadLetter } from "../store/dead-letters.ts";
import { DELIVERY_QUEUE } from "./queue.ts";

export interface ReplayedBy {
  /** Who asked (a login or an operating-system user). */
  readonly actor: string;
  /** What did it (the command, the host). */
  readonly via: string;
}

/** Re-queues one dead letter; false when its job is no longer failed (replayed or retried meanwhile). */
export async function replayDeadLetter(
  db: Db,
  boss: PgBoss,
  letter: DeadLetter,
  by: ReplayedBy,
): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const result = await boss.retry(DELIVERY_QUEUE, letter.jobId, { db: fromKysely(trx) });
    // pg-boss's CommandResponse type declares no fields; at run time it counts the jobs moved.
    if (Number((result as { affected?: unknown }).affected ?? 0) === 0) return false;
    await appendAudit(trx, {
      chain: letter.installationId ?? 0,
      kind: "delivery.replayed",
      actor: by.actor,
      repository: letter.repository,
      subject: `delivery:${letter.deliveryId}`,
      data: {
        jobId: letter.jobId,
        event: letter.event,
        action: letter.action,
        attempts: letter.attempts,
        error: letter.error,
        via: by.via,
      },
    });
    return true;
  });
}
