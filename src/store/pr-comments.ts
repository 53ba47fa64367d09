/** The sticky summary comment's id per pull request (pr_comments), and the lock that serialises its upsert. */
import { sql } from "kysely";
import type { Db, Tx } from "./db.ts";

/**
 * Takes the pull request's comment lock until the transaction ends (a transaction-scoped
 * advisory lock): two analyses of one pull request, in any process, cannot both post.
 */
export async function lockPullRequestComment(trx: Tx, fullName: string, prNumber: number): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`sticky:${fullName}#${prNumber}`}))`.execute(trx);
}

/** The comment id this app keeps for a pull request, if any. */
export async function stickyCommentId(db: Db, fullName: string, prNumber: number): Promise<number | null> {
  const row = await db
    .selectFrom("pr_comments")
    .select("comment_id")
    .where("repository", "=", fullName)
    .where("pr_number", "=", prNumber)
    .executeTakeFirst();
  return row?.comment_id ?? null;
}

export async function rememberStickyComment(
  db: Db,
  fullName: string,
  prNumber: number,
  commentId: number,
): Promise<void> {
  const now = new Date();
  await db
    .insertInto("pr_comments")
    .values({ repository: fullName, pr_number: prNumber, comment_id: commentId, updated_at: now })
    .onConflict((oc) =>
      oc.columns(["repository", "pr_number"]).doUpdateSet({ comment_id: commentId, updated_at: now }),
    )
    .execute();
}
