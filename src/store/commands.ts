/** Comment commands as the audit trail records them. */
import { sql } from "kysely";
import type { Db } from "./db.ts";

/**
 * True when the comment's command already has its `command` audit row on the installation's
 * chain: a retried job must not act on it twice.
 */
export async function commandAlreadyHandled(
  db: Db,
  chain: number,
  repository: string,
  commentId: number,
): Promise<boolean> {
  const row = await db
    .selectFrom("audit_events")
    .select(sql<number>`1`.as("one"))
    .where("chain", "=", chain)
    .where("kind", "=", "command")
    .where("repository", "=", repository)
    .where("subject", "=", `comment:${commentId}`)
    .executeTakeFirst();
  return row !== undefined;
}
