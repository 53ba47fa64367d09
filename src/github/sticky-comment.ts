/**
 * One summary comment per pull request, edited in place on every analysis; never a second
 * one. Its id is kept in the pr_comments table; when the row is missing (or the comment was
 * deleted) the comment is found again by the hidden marker it starts with, so even a lost
 * database row does not produce a duplicate. Two analyses of the same pull request (in any
 * process) are serialised by a transaction-scoped advisory lock, so they cannot both post.
 * A body identical to the one already there is not written again: the SHA-256 of the last
 * body written is kept with the id, and when it matches the comment is read (a read is not
 * throttled like a write) to make sure it is still there as left; a comment found by its
 * marker is compared directly.
 */
import { createHash } from "node:crypto";
import type { ProbotOctokit } from "probot";
import { z } from "zod";
import { SUMMARY_MARKER } from "../core/report/markdown.ts";
import { type Db, inTransaction } from "../store/db.ts";
import { lockPullRequestComment, rememberStickyComment, stickyComment } from "../store/pr-comments.ts";
import type { RepoRef } from "./snapshot.ts";

const commentSchema = z.object({
  id: z.number(),
  body: z.string().optional().nullable(),
  user: z.object({ type: z.string().optional() }).nullable().optional(),
});

export interface StickyTarget {
  readonly octokit: ProbotOctokit;
  readonly db: Db;
  readonly repo: RepoRef;
  readonly fullName: string;
  readonly prNumber: number;
}

export interface StickyResult {
  readonly commentId: number;
  /** "unchanged": the comment already had this body; nothing was written. */
  readonly action: "created" | "updated" | "unchanged";
  readonly requests: number;
}

export async function upsertStickyComment(target: StickyTarget, body: string): Promise<StickyResult> {
  if (!body.includes(SUMMARY_MARKER)) throw new Error("a sticky comment body must carry the summary marker");
  return inTransaction(target.db, async (trx) => {
    // Held until the transaction ends: across the lookup, the GitHub calls and storing the id. The lock
    // is per pull request, so holding it over HTTP only ever delays another analysis of the same PR.
    await lockPullRequestComment(trx, target.fullName, target.prNumber);
    return upsertLocked({ ...target, db: trx }, body);
  });
}

async function upsertLocked(target: StickyTarget, body: string): Promise<StickyResult> {
  let requests = 0;
  const digest = sha256(body);
  const stored = await stickyComment(target.db, target.fullName, target.prNumber);
  if (stored !== null) {
    let exists = true;
    if (stored.bodySha256 === digest) {
      requests++;
      const current = await readBody(target, stored.commentId);
      if (current === body) return { commentId: stored.commentId, action: "unchanged", requests };
      exists = current !== null;
    }
    if (exists) {
      requests++;
      if (await edit(target, stored.commentId, body)) {
        await remember(target, stored.commentId, digest);
        return { commentId: stored.commentId, action: "updated", requests };
      }
    }
  }
  const found = await findByMarker(target);
  requests += found.requests;
  if (found.id !== null) {
    if (found.body === body) {
      await remember(target, found.id, digest);
      return { commentId: found.id, action: "unchanged", requests };
    }
    requests++;
    if (await edit(target, found.id, body)) {
      await remember(target, found.id, digest);
      return { commentId: found.id, action: "updated", requests };
    }
  }
  requests++;
  const created = await target.octokit.rest.issues.createComment({
    owner: target.repo.owner,
    repo: target.repo.repo,
    issue_number: target.prNumber,
    body,
  });
  const commentId = Number(created.data.id);
  await remember(target, commentId, digest);
  return { commentId, action: "created", requests };
}

/** The comment's body on GitHub; null when it no longer exists. */
async function readBody(target: StickyTarget, commentId: number): Promise<string | null> {
  try {
    const response = await target.octokit.rest.issues.getComment({
      owner: target.repo.owner,
      repo: target.repo.repo,
      comment_id: commentId,
    });
    return commentSchema.parse(response.data).body ?? "";
  } catch (error) {
    if ((error as { status?: number }).status === 404) return null;
    throw error;
  }
}

/** PATCHes the comment; false when it no longer exists. */
async function edit(target: StickyTarget, commentId: number, body: string): Promise<boolean> {
  try {
    await target.octokit.rest.issues.updateComment({
      owner: target.repo.owner,
      repo: target.repo.repo,
      comment_id: commentId,
      body,
    });
    return true;
  } catch (error) {
    if ((error as { status?: number }).status === 404) return false;
    throw error;
  }
}

async function findByMarker(
  target: StickyTarget,
): Promise<{ id: number | null; body: string | null; requests: number }> {
  let requests = 0;
  for (let page = 1; ; page++) {
    requests++;
    const response = await target.octokit.rest.issues.listComments({
      owner: target.repo.owner,
      repo: target.repo.repo,
      issue_number: target.prNumber,
      per_page: 100,
      page,
    });
    const comments = z.array(commentSchema).parse(response.data);
    const ours = comments.find((c) => c.user?.type === "Bot" && (c.body ?? "").startsWith(SUMMARY_MARKER));
    if (ours) return { id: ours.id, body: ours.body ?? "", requests };
    if (comments.length < 100) return { id: null, body: null, requests };
  }
}

async function remember(target: StickyTarget, commentId: number, digest: string): Promise<void> {
  await rememberStickyComment(target.db, target.fullName, target.prNumber, commentId, digest);
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
