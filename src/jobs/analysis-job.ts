/**
 * The analysis job: a delivery that asks for an analysis (see src/github/events.ts) becomes
 * four check runs and, on a pull request, one sticky comment.
 *
 *   1. the job (retry policy, rate limits, the pull request) ─► 2. claim (repository, head SHA)
 *   ─► 3. supersede older heads and runs left open ─► 4. check runs: in progress only once the
 *   job has taken longer than `inProgressAfterMs` ─► 5. analyse and publish (analyse-and-publish.ts), retried
 *
 * Transient GitHub failures retry the work with backoff; when it finally fails the check
 * runs are completed with the reason. A config error completes them as `failure` with
 * the file and line. Nothing stays in progress.
 */
import { escapeMarkdown } from "../core/report/markdown.ts";
import { CheckRunSet } from "../github/check-run-set.ts";
import { getPullRequest, leftoverCheckRuns, openPullRequestAt, refOf } from "../github/commits.ts";
import { loadRepositoryConfig } from "../github/config.ts";
import type { DeliveryContext, DeliveryHandler } from "../github/delivery.ts";
import { type AnalysisTrigger, analysisTrigger, type PullRequestRef } from "../github/events.ts";
import { completeAllWith, type PublishTarget } from "../github/publish.ts";
import {
  DEFAULT_RETRY_POLICY,
  describeFailure,
  honourRateLimits,
  type RetryPolicy,
  withAttempts,
} from "../github/retry.ts";
import type { RepoRef } from "../github/snapshot.ts";
import { AnalysisAborted } from "../sandbox/pool.ts";
import {
  analysisKey,
  claimAnalysis,
  finishRun,
  markRunning,
  newerHeadExists,
  stillOurs,
  supersedeOlder,
} from "../store/analysis-runs.ts";
import { openCheckRuns, recordedCheckRunIds } from "../store/check-runs.ts";
import { ensureRepository, type RepositoryOfInstallation } from "../store/installations.ts";
import { analyseAndPublish } from "./analyse-and-publish.ts";
import {
  type AnalysisOptions,
  type AnalysisOutcome,
  auditCommit,
  DEFAULT_IN_PROGRESS_AFTER_MS,
  type Job,
  runOutcome,
  type StartedRun,
  Superseded,
} from "./analysis-job-model.ts";

export type { AnalysisOptions, AnalysisOutcome } from "./analysis-job-model.ts";

/** The job handler for every analysis event (registered in registerDefaultHandlers). */
export function createAnalysisHandler(options: AnalysisOptions = {}): DeliveryHandler {
  return async (context) => {
    const trigger = analysisTrigger(context.event, context.action, context.payload);
    if (!trigger) return;
    const outcome = await runAnalysis(context, trigger, options);
    context.log.info({ outcome: outcomeForLog(outcome) }, "analysis handled");
  };
}

/**
 * Analyses a pull request's current head again, inside the caller's job (for comment
 * commands such as `/maestro recheck`, or after a suppression changed): new check runs, the
 * sticky comment edited. `context.repository` names the repository.
 */
export async function reanalysePullRequest(
  context: DeliveryContext,
  prNumber: number,
  options: AnalysisOptions = {},
): Promise<AnalysisOutcome> {
  if (!context.repository) throw new Error("the delivery names no repository");
  const [owner, repo] = context.repository.split("/") as [string, string];
  const pr = await getPullRequest(await context.octokit(), { owner, repo }, prNumber);
  if (pr.state !== "open") return { status: "ignored", reason: `pull request #${prNumber} is ${pr.state}` };
  const base = pr.base.repo;
  const trigger: AnalysisTrigger = {
    event: context.event,
    action: context.action,
    owner: base.owner.login,
    repo: base.name,
    fullName: base.full_name,
    repositoryId: base.id,
    defaultBranch: base.default_branch ?? null,
    headSha: pr.head.sha,
    headRef: pr.head.ref,
    pullRequest: refOf(pr),
    findPullRequest: false,
    before: null,
    baseline: false,
    force: true,
    rerun: true,
  };
  return runAnalysis(context, trigger, options);
}

export async function runAnalysis(
  context: DeliveryContext,
  trigger: AnalysisTrigger,
  options: AnalysisOptions = {},
): Promise<AnalysisOutcome> {
  // 1. The job: retry policy, rate limits, the pull request (looked up when the event names none).
  const began = performance.now();
  const job = await prepareJob(context, trigger, options);
  await ensureRepository(context.db, context.installationId, repositoryOf(trigger), job.startedAt);
  // 2. Claim (repository, head SHA): a newer head of the PR, or an earlier claim, ends the job here.
  const claim = await claimCommit(job);
  if (!claim.claimed) return claim.outcome;
  // 3. Older heads of the PR, and runs an earlier attempt left open on this commit, end as superseded.
  const target: PublishTarget = {
    octokit: job.octokit,
    db: context.db,
    repo: job.repo,
    fullName: job.fullName,
    headSha: trigger.headSha,
  };
  await supersedeOlderHeads(job, target);
  await closeLeftOpen(job, target, claim);
  // 4. The four check runs: shown in progress only if the result has not come by the window's end.
  const run = await startCheckRuns(job, target, claim.runId, began);
  // 5. Analyse and publish, retried; when it finally fails the check runs say why.
  return analyseWithRetries(job, run);
}

async function prepareJob(
  context: DeliveryContext,
  trigger: AnalysisTrigger,
  options: AnalysisOptions,
): Promise<Job> {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const octokit = await context.octokit();
  honourRateLimits(octokit, policy, (ms, route) =>
    context.log.warn({ waitMs: ms, route }, "GitHub rate limit: waiting as asked"),
  );
  const repo: RepoRef = { owner: trigger.owner, repo: trigger.repo };
  const retrying = <T>(work: () => Promise<T>) =>
    withAttempts(policy, work, (error, attempt, delayMs) =>
      context.log.warn({ err: error, attempt, delayMs }, "GitHub request failed; retrying"),
    );
  const pr =
    trigger.pullRequest ??
    (trigger.findPullRequest
      ? await retrying(() => openPullRequestAt(octokit, repo, trigger.fullName, trigger.headSha))
      : null);
  const fullName = trigger.fullName;
  const policyRef = configRef(trigger, pr);
  const config = await retrying(() => loadRepositoryConfig(octokit, repo, policyRef));
  return {
    context,
    trigger,
    octokit,
    repo,
    fullName,
    pr,
    config,
    configRef: policyRef,
    analysisKey: analysisKey(config, pr?.baseSha ?? null),
    policy,
    options,
    startedAt: context.now(),
    retrying,
  };
}

type ClaimResult =
  | { readonly claimed: true; readonly runId: number; readonly fresh: boolean }
  | { readonly claimed: false; readonly outcome: AnalysisOutcome };
type ClaimedCommit = Extract<ClaimResult, { claimed: true }>;

async function claimCommit(job: Job): Promise<ClaimResult> {
  const { context, trigger, pr } = job;
  if (pr) {
    const newer = await newerHeadExists(
      context.db,
      job.fullName,
      pr.number,
      trigger.headSha,
      context.deliveryId,
    );
    if (newer) {
      return {
        claimed: false,
        outcome: { status: "outdated", reason: `pull request #${pr.number} moved on to ${newer}` },
      };
    }
  }
  const claim = await claimAnalysis(context.db, {
    repository: job.fullName,
    headSha: trigger.headSha,
    analysisKey: job.analysisKey,
    prNumber: pr?.number ?? null,
    deliveryId: context.deliveryId,
    force: trigger.force,
    at: job.startedAt,
  });
  if (!claim.claimed) {
    const reason = `${trigger.headSha} is already analysed (run ${claim.run.id})`;
    return { claimed: false, outcome: { status: "duplicate", reason } };
  }
  return { claimed: true, runId: claim.run.id, fresh: claim.fresh };
}

/** Check runs of the PR's older heads complete as neutral "Superseded", and are audited. */
async function supersedeOlderHeads(job: Job, target: PublishTarget): Promise<void> {
  const { context, trigger, pr } = job;
  if (!pr) return;
  for (const olderHead of await supersedeOlder(
    context.db,
    job.fullName,
    pr.number,
    trigger.headSha,
    job.startedAt,
  )) {
    const open = await openCheckRuns(context.db, job.fullName, olderHead);
    await job.retrying(() =>
      completeAllWith(
        { ...target, headSha: olderHead },
        open,
        "neutral",
        `Superseded by ${trigger.headSha.slice(0, 7)}`,
        `superseded by ${trigger.headSha}: a newer commit of pull request #${pr.number} is analysed instead.`,
      ),
    );
    await context.audit({
      kind: "analysis.superseded",
      repository: job.fullName,
      prNumber: pr.number,
      subject: `commit:${olderHead}`,
      data: { supersededBy: trigger.headSha, checkRuns: open },
    });
  }
}

/**
 * Runs a previous attempt of this commit left open (a crash, a retried job) end here — also
 * runs GitHub created whose ids never reached the database (it was down at the time). A
 * fresh claim has no previous attempt, so GitHub is asked only on a re-claim.
 */
async function closeLeftOpen(job: Job, target: PublishTarget, claim: ClaimedCommit): Promise<void> {
  const { context, trigger } = job;
  const recorded = await openCheckRuns(context.db, job.fullName, trigger.headSha);
  const onGitHub = claim.fresh ? [] : await unrecordedLeftovers(job, claim.runId);
  const leftOpen = [...new Set([...recorded, ...onGitHub])];
  if (leftOpen.length === 0) return;
  await job.retrying(() =>
    completeAllWith(
      target,
      leftOpen,
      "neutral",
      "Superseded",
      "superseded by a newer analysis of this commit.",
    ),
  );
}

/** Runs on GitHub still open, and runs this analysis run created completed that never reached the database. */
async function unrecordedLeftovers(job: Job, runId: number): Promise<number[]> {
  const { unfinished, completedByRun } = await job.retrying(() =>
    leftoverCheckRuns(job.octokit, job.repo, job.trigger.headSha, String(runId)),
  );
  const known = await recordedCheckRunIds(job.context.db, job.fullName, job.trigger.headSha);
  return [...unfinished, ...completedByRun.filter((id) => !known.has(id))];
}

async function startCheckRuns(
  job: Job,
  target: PublishTarget,
  runId: number,
  began: number,
): Promise<StartedRun> {
  const { context, trigger, options } = job;
  const inProgressAfterMs = options.inProgressAfterMs ?? DEFAULT_IN_PROGRESS_AFTER_MS;
  const checks = new CheckRunSet(target, {
    externalId: String(runId),
    startedAt: context.now(),
    // A re-run someone asked for gets new runs; any other analysis of a commit reuses one showing the same.
    reuseUnchanged: !trigger.rerun,
    retrying: job.retrying,
    stillCurrent: async () => (await stillOurs(context.db, runId, context.deliveryId)).ours,
    onProgressError: (error) =>
      context.log.warn({ err: error }, "could not show the check runs in progress; the result creates them"),
  });
  await markRunning(context.db, runId, context.deliveryId, context.now());
  await auditCommit(job, "analysis.started", {
    runId,
    event: trigger.event,
    action: trigger.action,
    force: trigger.force,
    inProgressAfterMs,
  });
  checks.showProgressAfter(inProgressAfterMs - (performance.now() - began));
  return { runId, target, checks };
}

async function analyseWithRetries(job: Job, run: StartedRun): Promise<AnalysisOutcome> {
  const { context } = job;
  try {
    return await withAttempts(
      job.policy,
      () => analyseAndPublish(job, run),
      (error, attempt, delayMs) =>
        context.log.warn({ err: error, attempt, delayMs }, "analysis attempt failed; retrying"),
    );
  } catch (error) {
    if (error instanceof Superseded) {
      context.log.info({ reason: error.message }, "analysis superseded; not published");
      await closeUnfinished(job, run, error.message);
      return runOutcome("superseded", job, run, null, null);
    }
    return finalFailure(job, run, error);
  } finally {
    await run.checks.settle();
  }
}

/**
 * A superseded analysis's runs shown in progress end as superseded here, unless the analysis
 * that took over did that already (it closes the runs recorded open when it starts; these
 * may have been created after).
 */
async function closeUnfinished(job: Job, run: StartedRun, reason: string): Promise<void> {
  await run.checks.settle();
  const mine = run.checks.unfinished();
  if (mine.length === 0) return;
  const open = new Set(await openCheckRuns(job.context.db, job.fullName, job.trigger.headSha));
  const left = mine.filter((id) => open.has(id));
  if (left.length === 0) return;
  try {
    await job.retrying(() => completeAllWith(run.target, left, "neutral", "Superseded", `${reason}.`));
  } catch (error) {
    job.context.log.warn({ err: error, checkRuns: left }, "could not close superseded check runs");
  }
}

/** Completes the check runs with the reason; throws (so the queue retries the job) only when even that fails. */
async function finalFailure(job: Job, run: StartedRun, error: unknown): Promise<AnalysisOutcome> {
  const { context, trigger } = job;
  const reason = describeFailure(error);
  context.log.error({ err: error }, "analysis failed");
  const attempts = `${job.policy.attempts} attempt${job.policy.attempts === 1 ? "" : "s"}`;
  const commit = `\`${trigger.headSha.slice(0, 7)}\``;
  const [title, summary] =
    error instanceof AnalysisAborted
      ? [
          "Could not be analysed",
          `This change could not be analysed: ${escapeMarkdown(reason)}.\n\n` +
            `Maestro Hive stopped the analysis of ${commit} to protect the service; the gate fails closed. ` +
            `${error.file === null ? "" : `Look at ${escapeMarkdown(error.file)} (e.g. extreme nesting), `}` +
            "then push a fix or use **Re-run**.",
        ]
      : [
          "Analysis failed",
          `Maestro Hive could not analyse ${commit} after ${attempts}:\n\n> ${escapeMarkdown(reason)}\n\nUse **Re-run** to try again.`,
        ];
  try {
    await run.checks.completeAll("failure", title, summary);
  } catch (publishError) {
    context.log.error({ err: publishError }, "could not complete the check runs with the failure");
    // Nothing on GitHub at all: never leave the claim running, a later delivery of this commit
    // may then claim it again (runs that do exist are closed by the queue's retry of this job).
    if (run.checks.ids.size === 0) {
      await finishRun(context.db, run.runId, {
        status: "failed",
        verdict: null,
        error: describeFailure(error),
        at: context.now(),
      });
    }
    throw error;
  }
  await finishRun(context.db, run.runId, {
    status: "failed",
    verdict: null,
    error: reason,
    at: context.now(),
  });
  await auditCommit(job, "analysis.failed", { runId: run.runId, error: reason });
  return runOutcome("failed", job, run, null, null);
}

/**
 * Policy comes from the default branch: a PR's base only when it is the default branch (a PR
 * to a branch its author picked, without rules or with looser ones, gets the default branch's);
 * a baseline push its own commit; any other push the default branch.
 */
export function configRef(trigger: AnalysisTrigger, pr: PullRequestRef | null): string {
  const defaultBranch = trigger.defaultBranch;
  if (pr) return defaultBranch === null || pr.baseRef === defaultBranch ? pr.baseSha : defaultBranch;
  return trigger.baseline ? trigger.headSha : (defaultBranch ?? trigger.headSha);
}

function repositoryOf(trigger: AnalysisTrigger): RepositoryOfInstallation {
  const { owner, repositoryId: id, fullName, defaultBranch } = trigger;
  return { owner, id, fullName, defaultBranch };
}

function outcomeForLog(outcome: AnalysisOutcome): Record<string, unknown> {
  if ("reason" in outcome) return { status: outcome.status, reason: outcome.reason };
  return {
    status: outcome.status,
    runId: outcome.runId,
    verdict: outcome.verdict,
    commentId: outcome.commentId,
  };
}
