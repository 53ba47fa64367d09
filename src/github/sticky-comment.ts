/**
 * One summary comment per pull request, edited in place on every analysis; never a second
 * one. Its id is kept in the pr_comments table; when the row is missing (or the comment was
 * deleted) the comment is found again by the hidden marker it starts with, so even a lost
 * database row does not produce a duplicate. Two analyses of the same pull request (in any
 * process) are serialised by a transaction-scoped advisory lock, so they cannot both post.
 */
import type { ProbotOctokit } from "probot";
import { z } from "zod";
import { SUMMARY_MARKER } from "../core/report/markdown.ts";
import { type Db, inTransaction } from "../store/db.ts";
import { lockPullRequestComment, rememberStickyComment, stickyCommentId } from "../store/pr-comments.ts";
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
  readonly action: "created" | "updated";
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
  const stored = await stickyCommentId(target.db, target.fullName, target.prNumber);
  if (stored !== null) {
    requests++;
    if (await edit(target, stored, body)) {
      await remember(target, stored);
      return { commentId: stored, action: "updated", requests };
    }
  }
  const found = await findByMarker(target);
  requests += found.requests;
  if (found.id !== null) {
    requests++;
    if (await edit(target, found.id, body)) {
      await remember(target, found.id);
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
  await remember(target, commentId);
  return { commentId, action: "created", requests };
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

async function findByMarker(target: StickyTarget): Promise<{ id: number | null; requests: number }> {
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
    if (ours) return { id: ours.id, requests };
    if (comments.length < 100) return { id: null, requests };
  }
}

async function remember(target: StickyTarget, commentId: number): Promise<void> {
  await rememberStickyComment(target.db, target.fullName, target.prNumber, commentId);
}
