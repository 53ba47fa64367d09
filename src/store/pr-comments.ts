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

export interface StoredStickyComment {
  readonly commentId: number;
  /** SHA-256 of the body this app last wrote there; null when not known. */
  readonly bodySha256: string | null;
}

/** The comment this app keeps for a pull request, if any. */
export async function stickyComment(
  db: Db,
  fullName: string,
  prNumber: number,
): Promise<StoredStickyComment | null> {
  const row = await db
    .selectFrom("pr_comments")
    .select(["comment_id", "body_sha256"])
    .where("repository", "=", fullName)
    .where("pr_number", "=", prNumber)
    .executeTakeFirst();
  return row ? { commentId: row.comment_id, bodySha256: row.body_sha256 } : null;
}

/** The comment id this app keeps for a pull request, if any. */
export async function stickyCommentId(db: Db, fullName: string, prNumber: number): Promise<number | null> {
  return (await stickyComment(db, fullName, prNumber))?.commentId ?? null;
}

export async function rememberStickyComment(
  db: Db,
  fullName: string,
  prNumber: number,
  commentId: number,
  bodySha256: string | null = null,
): Promise<void> {
  const now = new Date();
  await db
    .insertInto("pr_comments")
    .values({
      repository: fullName,
      pr_number: prNumber,
      comment_id: commentId,
      body_sha256: bodySha256,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc
        .columns(["repository", "pr_number"])
        .doUpdateSet({ comment_id: commentId, body_sha256: bodySha256, updated_at: now }),
    )
    .execute();
}
