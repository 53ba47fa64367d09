/**
 * Which webhook deliveries ask for an analysis, and of what. Pure: reads the payload only
 * (validated with zod); the job resolves what the payload does not say (the pull request
 * of a pushed commit, merge bases) through the API.
 *
 * - pull_request opened / synchronize / reopened / ready_for_review, and edited when the
 *   base branch changed: the head against the merge base with the base branch.
 * - push: to the default branch, the new baseline (against `before`); to another branch,
 *   the pushed head (the job looks for an open pull request of that commit first).
 * - check_suite requested / rerequested, check_run rerequested / requested_action ("Re-run"):
 *   analyse the commit (again).
 */
import { z } from "zod";
import type { Expect, PayloadReads } from "./webhook-payloads.ts";

export const ZERO_SHA = "0000000000000000000000000000000000000000";
const sha = z.string().regex(/^[0-9a-f]{40}$/);

export const ANALYSIS_EVENT_KEYS = [
  "pull_request.opened",
  "pull_request.synchronize",
  "pull_request.reopened",
  "pull_request.ready_for_review",
  "pull_request.edited",
  "push",
  "check_suite.requested",
  "check_suite.rerequested",
  "check_run.rerequested",
  "check_run.requested_action",
] as const;

const repositorySchema = z.object({
  id: z.number().int(),
  name: z.string(),
  full_name: z.string(),
  owner: z.object({ login: z.string() }),
  default_branch: z.string().optional(),
});

const prSchema = z.object({
  number: z.number().int(),
  draft: z.boolean().optional().default(false),
  state: z.string().optional(),
  changed_files: z.number().int().optional().nullable(),
  head: z.object({ sha, ref: z.string(), repo: z.object({ full_name: z.string() }).nullable().optional() }),
  base: z.object({ sha, ref: z.string(), repo: z.object({ full_name: z.string() }).nullable().optional() }),
});
export type PullRequestPayload = z.infer<typeof prSchema>;

/** A pull request as the job needs it. */
export interface PullRequestRef {
  readonly number: number;
  readonly draft: boolean;
  readonly headSha: string;
  readonly headRef: string;
  readonly baseSha: string;
  readonly baseRef: string;
  /** The head lives in another repository (a fork). */
  readonly fork: boolean;
  /** `changed_files` when the payload says it. */
  readonly changedFiles: number | null;
}

export interface AnalysisTrigger {
  readonly event: string;
  readonly action: string | null;
  readonly owner: string;
  readonly repo: string;
  readonly fullName: string;
  readonly repositoryId: number;
  readonly defaultBranch: string | null;
  readonly headSha: string;
  /** Branch of the head, when known. */
  readonly headRef: string | null;
  /** The pull request, when the payload names one. */
  readonly pullRequest: PullRequestRef | null;
  /** Look up an open pull request whose head is this commit (push, check events). */
  readonly findPullRequest: boolean;
  /** The push's previous commit (null for a new branch). */
  readonly before: string | null;
  /** A push to the default branch: the result becomes the repository's baseline. */
  readonly baseline: boolean;
  /** Analyse even when this commit was analysed already (re-run, ready for review, new base). */
  readonly force: boolean;
  /**
   * Someone asked for the checks to run again (Re-run, re-run all): new check runs even when
   * they would show what the commit's completed ones show (otherwise those are left as they are).
   */
  readonly rerun: boolean;
}

export function pullRequestRef(pr: PullRequestPayload, fullName: string): PullRequestRef {
  const headRepo = pr.head.repo?.full_name ?? null;
  return {
    number: pr.number,
    draft: pr.draft,
    headSha: pr.head.sha,
    headRef: pr.head.ref,
    baseSha: pr.base.sha,
    baseRef: pr.base.ref,
    fork: headRepo !== null && headRepo.toLowerCase() !== fullName.toLowerCase(),
    changedFiles: pr.changed_files ?? null,
  };
}

const pullRequestEvent = z.object({
  action: z.string(),
  repository: repositorySchema,
  pull_request: prSchema,
  changes: z.object({ base: z.unknown().optional() }).optional(),
});

const pushEvent = z.object({
  ref: z.string(),
  before: z.string(),
  after: z.string(),
  deleted: z.boolean().optional(),
  repository: repositorySchema.extend({ master_branch: z.string().optional() }),
});

const suitePr = z.object({ number: z.number().int() });

const checkSuiteEvent = z.object({
  action: z.string(),
  repository: repositorySchema,
  check_suite: z.object({
    head_sha: sha,
    head_branch: z.string().nullable(),
    pull_requests: z.array(suitePr),
  }),
});

const checkRunEvent = z.object({
  action: z.string(),
  repository: repositorySchema,
  check_run: z.object({
    name: z.string(),
    head_sha: sha,
    check_suite: z.object({ head_branch: z.string().nullable() }).partial().optional(),
    pull_requests: z.array(suitePr).optional(),
  }),
  requested_action: z.object({ identifier: z.string() }).nullable().optional(),
});

/**
 * GitHub's payload types satisfy these schemas (checked when compiling; see webhook-payloads.ts).
 * Not push and check_run: GitHub's types allow a push's `repository.owner` to be null and a
 * `requested_action` without `identifier`, which these schemas refuse (the job then fails
 * with the validation error); widening them is a behaviour change left for its own issue.
 */
export type AnalysisPayloadsMatchGitHub = [
  Expect<PayloadReads<"pull_request", typeof pullRequestEvent>>,
  Expect<PayloadReads<"check_suite", typeof checkSuiteEvent>>,
];

function repoFields(repository: z.infer<typeof repositorySchema>) {
  return {
    owner: repository.owner.login,
    repo: repository.name,
    fullName: repository.full_name,
    repositoryId: repository.id,
    defaultBranch: repository.default_branch ?? null,
  };
}

/**
 * The analysis a delivery asks for, or null when it asks for none (a closed pull request,
 * an edit that kept the base, a deleted branch, a tag, another app's check run).
 */
export function analysisTrigger(
  event: string,
  action: string | null,
  payload: unknown,
  checkRunPrefix = "Maestro ",
): AnalysisTrigger | null {
  if (event === "pull_request") {
    const p = pullRequestEvent.parse(payload);
    const wanted = ["opened", "synchronize", "reopened", "ready_for_review", "edited"];
    if (!wanted.includes(p.action)) return null;
    if (p.action === "edited" && p.changes?.base === undefined) return null;
    if (p.pull_request.state !== undefined && p.pull_request.state !== "open") return null;
    const pr = pullRequestRef(p.pull_request, p.repository.full_name);
    return {
      event,
      action,
      ...repoFields(p.repository),
      headSha: pr.headSha,
      headRef: pr.headRef,
      pullRequest: pr,
      findPullRequest: false,
      before: null,
      baseline: false,
      force: p.action === "ready_for_review" || p.action === "edited",
      rerun: false,
    };
  }
  if (event === "push") {
    const p = pushEvent.parse(payload);
    if (p.deleted || p.after === ZERO_SHA || !p.ref.startsWith("refs/heads/")) return null;
    const branch = p.ref.slice("refs/heads/".length);
    const defaultBranch = p.repository.default_branch ?? p.repository.master_branch ?? null;
    const baseline = branch === defaultBranch;
    return {
      event,
      action,
      ...repoFields(p.repository),
      defaultBranch,
      headSha: p.after,
      headRef: branch,
      pullRequest: null,
      findPullRequest: !baseline,
      before: sha.safeParse(p.before).success && p.before !== ZERO_SHA ? p.before : null,
      baseline,
      force: false,
      rerun: false,
    };
  }
  if (event === "check_suite") {
    const p = checkSuiteEvent.parse(payload);
    if (p.action !== "requested" && p.action !== "rerequested") return null;
    return {
      event,
      action,
      ...repoFields(p.repository),
      headSha: p.check_suite.head_sha,
      headRef: p.check_suite.head_branch,
      pullRequest: null,
      findPullRequest: true,
      before: null,
      baseline: false,
      force: p.action === "rerequested",
      rerun: p.action === "rerequested",
    };
  }
  if (event === "check_run") {
    const p = checkRunEvent.parse(payload);
    if (!p.check_run.name.startsWith(checkRunPrefix)) return null;
    if (p.action === "requested_action" && p.requested_action?.identifier !== "rerun") return null;
    if (p.action !== "rerequested" && p.action !== "requested_action") return null;
    return {
      event,
      action,
      ...repoFields(p.repository),
      headSha: p.check_run.head_sha,
      headRef: p.check_run.check_suite?.head_branch ?? null,
      pullRequest: null,
      findPullRequest: true,
      before: null,
      baseline: false,
      force: true,
      rerun: true,
    };
  }
  return null;
}
