/**
 * What the analysis job reads about commits from GitHub: a pull request and the open one at
 * a commit, the merge base of two commits, whether a commit still exists, and the check runs
 * on a commit (ours left unfinished, other apps' for DDE `requiredChecks`).
 */
import type { ProbotOctokit } from "probot";
import { z } from "zod";
import type { CheckRunResult } from "../core/dde/index.ts";
import { type PullRequestRef, pullRequestRef } from "./events.ts";
import { CHECK_NAMES } from "./publish.ts";
import type { RepoRef } from "./snapshot.ts";

const pullRequestSchema = z.object({
  number: z.number().int(),
  state: z.string(),
  draft: z.boolean().optional(),
  changed_files: z.number().int().optional().nullable(),
  head: z.object({ sha: z.string(), ref: z.string(), repo: z.object({ full_name: z.string() }).nullable() }),
  base: z.object({
    sha: z.string(),
    ref: z.string(),
    repo: z.object({
      id: z.number().int(),
      name: z.string(),
      full_name: z.string(),
      default_branch: z.string().optional(),
      owner: z.object({ login: z.string() }),
    }),
  }),
});

export type PullRequestData = z.infer<typeof pullRequestSchema>;

export async function getPullRequest(
  octokit: ProbotOctokit,
  repo: RepoRef,
  pullNumber: number,
): Promise<PullRequestData> {
  const response = await octokit.rest.pulls.get({ ...repo, pull_number: pullNumber });
  return pullRequestSchema.parse(response.data);
}

/** The pull request's reference as the analysis job uses it, seen from its base repository. */
export function refOf(pr: PullRequestData): PullRequestRef {
  return pullRequestRef({ ...pr, draft: pr.draft ?? false }, pr.base.repo.full_name);
}

/** The open pull request (of the repository `fullName`) whose head is the commit, if any. */
export async function openPullRequestAt(
  octokit: ProbotOctokit,
  repo: RepoRef,
  fullName: string,
  headSha: string,
): Promise<PullRequestRef | null> {
  const response = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
    ...repo,
    commit_sha: headSha,
  });
  const pulls = z.array(pullRequestSchema).parse(response.data);
  const open = pulls.find(
    (pr) =>
      pr.state === "open" &&
      pr.head.sha === headSha &&
      pr.base.repo.full_name.toLowerCase() === fullName.toLowerCase(),
  );
  return open ? pullRequestRef({ ...open, draft: open.draft ?? false }, fullName) : null;
}

const compareSchema = z.object({ merge_base_commit: z.object({ sha: z.string() }) });

export async function mergeBase(
  octokit: ProbotOctokit,
  repo: RepoRef,
  base: string,
  head: string,
): Promise<string> {
  const response = await octokit.rest.repos.compareCommitsWithBasehead({
    ...repo,
    basehead: `${base}...${head}`,
    per_page: 1,
  });
  return compareSchema.parse(response.data).merge_base_commit.sha;
}

/** False when the commit is gone (a force push can leave a push's `before` unreachable). */
export async function commitExists(octokit: ProbotOctokit, repo: RepoRef, sha: string): Promise<boolean> {
  try {
    await octokit.rest.git.getCommit({ ...repo, commit_sha: sha });
    return true;
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 404 || status === 422) return false;
    throw error;
  }
}

/** Check runs on a commit: every one (`all`) or the latest per name (`latest`). */
function checkRunsOn(octokit: ProbotOctokit, repo: RepoRef, sha: string, filter: "all" | "latest") {
  return octokit.paginate(octokit.rest.checks.listForRef, { ...repo, ref: sha, filter, per_page: 100 });
}

/**
 * Our check runs on the commit that an earlier attempt may have left behind: the ones GitHub
 * still shows queued or in progress, and the ones created completed by the analysis run
 * `externalId` (a quick result creates runs completed, so a crash right after leaves them done).
 */
export async function leftoverCheckRuns(
  octokit: ProbotOctokit,
  repo: RepoRef,
  headSha: string,
  externalId: string,
): Promise<{ readonly unfinished: number[]; readonly completedByRun: number[] }> {
  const ours = (await checkRunsOn(octokit, repo, headSha, "all")).filter((run) =>
    CHECK_NAMES.includes(run.name),
  );
  return {
    unfinished: ours.filter((run) => run.status !== "completed").map((run) => run.id),
    completedByRun: ours
      .filter((run) => run.status === "completed" && run.external_id === externalId)
      .map((run) => run.id),
  };
}

/** The latest check runs of other apps on the commit. */
export async function otherAppsCheckRuns(
  octokit: ProbotOctokit,
  repo: RepoRef,
  headSha: string,
): Promise<CheckRunResult[]> {
  const runs = await checkRunsOn(octokit, repo, headSha, "latest");
  return runs
    .filter((run) => !CHECK_NAMES.includes(run.name))
    .map((run) => ({ name: run.name, conclusion: run.conclusion }));
}
