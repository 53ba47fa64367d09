/**
 * The analysis job: a delivery that asks for an analysis (see src/github/events.ts) becomes
 * four check runs and, on a pull request, one sticky comment.
 *
 *   claim (repository, head SHA) ─► supersede older heads of the PR ─► check runs in progress
 *   ─► config from the base ─► snapshots (tarball cold, tree + missing blobs warm)
 *   ─► analyze ─► check runs completed ─► sticky comment ─► findings, usage, audit
 *
 * Transient GitHub failures retry the work with backoff; when it finally fails the check
 * runs are completed with the reason. A config error completes them as `failure` with
 * the file and line. Nothing stays in progress.
 */
import type { ProbotOctokit } from "probot";
import { z } from "zod";
import { type ExplainerSettings, explainNewFindings } from "../ai/explain.ts";
import type { AnalysisResult } from "../core/analysis-result.ts";
import { analyze } from "../core/analyze.ts";
import { DEFAULT_CONFIG_PATH } from "../core/config/load.ts";
import type { MaestroConfig } from "../core/config/schema.ts";
import type { CheckRunResult } from "../core/dde/index.ts";
import { STREAMS } from "../core/gate.ts";
import { escapeMarkdown, renderMarkdown, SUMMARY_MARKER } from "../core/report/markdown.ts";
import { pullRequestChangedFiles } from "../github/changed-files.ts";
import { configChanges, describeConfigErrors, loadRepositoryConfig } from "../github/config.ts";
import type { DeliveryContext, DeliveryHandler } from "../github/delivery.ts";
import {
  type AnalysisTrigger,
  analysisTrigger,
  type PullRequestRef,
  pullRequestRef,
} from "../github/events.ts";
import {
  CHECK_NAMES,
  type CheckRunIds,
  completeAllWith,
  completeCheckRuns,
  createCheckRuns,
  openCheckRuns,
  type PublishProgress,
  type PublishTarget,
} from "../github/publish.ts";
import {
  DEFAULT_RETRY_POLICY,
  describeFailure,
  honourRateLimits,
  type RetryPolicy,
  withAttempts,
} from "../github/retry.ts";
import { type RepoRef, SnapshotFetcher, type SnapshotMode } from "../github/snapshot.ts";
import { upsertStickyComment } from "../github/sticky-comment.ts";
import {
  analysedBefore,
  claimAnalysis,
  finishRun,
  markRunning,
  newerHeadExists,
  overrideFor,
  saveFindings,
  setBaseline,
  setBaseSha,
  stillOurs,
  supersedeOlder,
} from "../store/analysis-runs.ts";
import { loadExtractionCache, saveExtractionCache } from "../store/caches.ts";
import { getRepositoryByName, upsertInstallation, upsertRepositories } from "../store/installations.ts";
import { listSuppressions, recordUsage } from "../store/suppressions.ts";

export interface AnalysisOptions {
  readonly retry?: Partial<RetryPolicy>;
  /** Annotations per check run before the rest go to the output text (GitHub's UI shows 1,000 at most). */
  readonly maxAnnotations?: number;
  /** AI explanations for the sticky comment (src/ai); off without an API key or `ai.explain`. */
  readonly ai?: ExplainerSettings;
}

export type AnalysisOutcome =
  | { readonly status: "ignored" | "duplicate" | "outdated"; readonly reason: string }
  | {
      readonly status: "completed" | "config-error" | "failed" | "superseded";
      readonly runId: number;
      readonly headSha: string;
      readonly verdict: string | null;
      readonly checkRuns: CheckRunIds;
      readonly commentId: number | null;
    };

/** The job handler for every analysis event (registered in registerDefaultHandlers). */
export function createAnalysisHandler(options: AnalysisOptions = {}): DeliveryHandler {
  return async (context) => {
    const trigger = analysisTrigger(context.event, context.action, context.payload);
    if (!trigger) return;
    const outcome = await runAnalysis(context, trigger, options);
    context.log.info({ outcome: outcomeForLog(outcome) }, "analysis handled");
  };
}

const prByNumber = z.object({
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
  const octokit = await context.octokit();
  const response = await octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", {
    owner,
    repo,
    pull_number: prNumber,
  });
  const pr = prByNumber.parse(response.data);
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
    pullRequest: pullRequestRef({ ...pr, draft: pr.draft ?? false }, base.full_name),
    findPullRequest: false,
    before: null,
    baseline: false,
    force: true,
  };
  return runAnalysis(context, trigger, options);
}

class Superseded extends Error {}

interface Job {
  readonly context: DeliveryContext;
  readonly trigger: AnalysisTrigger;
  readonly octokit: ProbotOctokit;
  readonly repo: RepoRef;
  readonly fullName: string;
  readonly pr: PullRequestRef | null;
  readonly policy: RetryPolicy;
  readonly options: AnalysisOptions;
}

export async function runAnalysis(
  context: DeliveryContext,
  trigger: AnalysisTrigger,
  options: AnalysisOptions = {},
): Promise<AnalysisOutcome> {
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
    (trigger.findPullRequest ? await retrying(() => openPullRequestAt(octokit, repo, trigger)) : null);
  const job: Job = { context, trigger, octokit, repo, fullName: trigger.fullName, pr, policy, options };
  const { db } = context;
  const now = context.now();
  await ensureRepository(context, trigger, now);

  if (pr) {
    const newer = await newerHeadExists(db, job.fullName, pr.number, trigger.headSha, context.deliveryId);
    if (newer) return { status: "outdated", reason: `pull request #${pr.number} moved on to ${newer}` };
  }
  const claim = await claimAnalysis(db, {
    repository: job.fullName,
    headSha: trigger.headSha,
    prNumber: pr?.number ?? null,
    deliveryId: context.deliveryId,
    force: trigger.force,
    at: now,
  });
  if (!claim.claimed) {
    return { status: "duplicate", reason: `${trigger.headSha} is already analysed (run ${claim.run.id})` };
  }
  const runId = claim.run.id;
  const target: PublishTarget = { octokit, db, repo, fullName: job.fullName, headSha: trigger.headSha };

  if (pr) {
    for (const olderHead of await supersedeOlder(db, job.fullName, pr.number, trigger.headSha, now)) {
      const open = await openCheckRuns(db, job.fullName, olderHead);
      await retrying(() =>
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
  // Runs a previous attempt of this commit left open (a crash, a retried job) end here —
  // also runs GitHub created whose ids never reached the database (it was down at the time).
  // A fresh claim has no previous attempt, so GitHub is asked only on a re-claim.
  const leftOpen = [
    ...new Set([
      ...(await openCheckRuns(db, job.fullName, trigger.headSha)),
      ...(claim.fresh ? [] : await retrying(() => unfinishedRunsOnGitHub(octokit, repo, trigger.headSha))),
    ]),
  ];
  if (leftOpen.length > 0) {
    await retrying(() =>
      completeAllWith(
        target,
        leftOpen,
        "neutral",
        "Superseded",
        "superseded by a newer analysis of this commit.",
      ),
    );
  }

  const created = new Map<string, number>();
  let checkRuns: CheckRunIds;
  try {
    checkRuns = await retrying(() => createCheckRuns(target, String(runId), created));
  } catch (error) {
    // Never leave the claim queued: a later delivery of this commit may then claim it again.
    await finishRun(db, runId, {
      status: "failed",
      verdict: null,
      error: describeFailure(error),
      at: context.now(),
    });
    throw error;
  }
  await markRunning(db, runId, context.deliveryId, context.now());
  await context.audit({
    kind: "analysis.started",
    repository: job.fullName,
    prNumber: pr?.number ?? null,
    subject: `commit:${trigger.headSha}`,
    data: {
      runId,
      event: trigger.event,
      action: trigger.action,
      checkRuns: Object.fromEntries(checkRuns),
      force: trigger.force,
    },
  });

  const progress: PublishProgress = new Map();
  try {
    return await withAttempts(
      policy,
      () => analyseAndPublish(job, runId, target, checkRuns, progress),
      (error, attempt, delayMs) =>
        context.log.warn({ err: error, attempt, delayMs }, "analysis attempt failed; retrying"),
    );
  } catch (error) {
    if (error instanceof Superseded) {
      context.log.info({ reason: error.message }, "analysis superseded; not published");
      return {
        status: "superseded",
        runId,
        headSha: trigger.headSha,
        verdict: null,
        checkRuns,
        commentId: null,
      };
    }
    return finalFailure(job, runId, target, checkRuns, error);
  }
}

/** Completes the check runs with the reason; throws (so the queue retries the job) only when even that fails. */
async function finalFailure(
  job: Job,
  runId: number,
  target: PublishTarget,
  checkRuns: CheckRunIds,
  error: unknown,
): Promise<AnalysisOutcome> {
  const { context, trigger } = job;
  const reason = describeFailure(error);
  context.log.error({ err: error }, "analysis failed");
  try {
    await completeAllWith(
      target,
      checkRuns,
      "failure",
      "Analysis failed",
      `Maestro Hive could not analyse \`${trigger.headSha.slice(0, 7)}\` after ${job.policy.attempts} attempt${job.policy.attempts === 1 ? "" : "s"}:\n\n> ${escapeMarkdown(reason)}\n\nUse **Re-run** to try again.`,
    );
  } catch (publishError) {
    context.log.error({ err: publishError }, "could not complete the check runs with the failure");
    throw error;
  }
  await finishRun(context.db, runId, { status: "failed", verdict: null, error: reason, at: context.now() });
  await context.audit({
    kind: "analysis.failed",
    repository: job.fullName,
    prNumber: job.pr?.number ?? null,
    subject: `commit:${trigger.headSha}`,
    data: { runId, error: reason },
  });
  return { status: "failed", runId, headSha: trigger.headSha, verdict: null, checkRuns, commentId: null };
}

async function analyseAndPublish(
  job: Job,
  runId: number,
  target: PublishTarget,
  checkRuns: CheckRunIds,
  progress: PublishProgress,
): Promise<AnalysisOutcome> {
  const { context, trigger, octokit, repo, pr } = job;
  const { db } = context;
  const started = performance.now();
  const phases: Record<string, number> = {};
  let lap = started;
  const phase = (name: string) => {
    const at = performance.now();
    phases[`job.${name}`] = round(at - lap);
    lap = at;
  };
  const configRef = pr
    ? pr.baseSha
    : trigger.baseline
      ? trigger.headSha
      : (trigger.defaultBranch ?? trigger.headSha);
  // Independent reads go out together: config, merge base, changed files.
  const [config, baseSha, changed] = await Promise.all([
    loadRepositoryConfig(octokit, repo, configRef),
    baseCommit(job),
    pr
      ? pullRequestChangedFiles(octokit, repo, pr.number, pr.changedFiles)
      : Promise.resolve({ paths: null, source: "tree-compare" as const, requests: 0 }),
  ]);
  if (!config.ok)
    return publishConfigError(job, runId, target, checkRuns, describeConfigErrors(config.errors));
  phase("config+compare");
  const mode: SnapshotMode = (await analysedBefore(db, job.fullName)) ? "tree" : "tarball";
  const fetcher = new SnapshotFetcher(octokit, db, repo);
  const snapshots = await fetcher.fetchAll(baseSha ? [baseSha, trigger.headSha] : [trigger.headSha], mode);
  const head = snapshots[snapshots.length - 1]!;
  const base = baseSha ? snapshots[0]! : null;
  phase("snapshots");
  const extractionCache = await loadExtractionCache(db, fetcher.blobShas());
  const suppressions = await listSuppressions(db, job.fullName);
  const override = await overrideFor(db, job.fullName, trigger.headSha);
  const requiredChecks = await requiredCheckRuns(job, config.config);
  phase("load");
  const now = context.now();
  const result = await analyze({
    head,
    base,
    config: config.config,
    suppressions,
    now,
    changedFiles: changed.paths,
    checkRuns: requiredChecks,
    extractionCache,
    override,
  });
  phase("analyze");
  await saveExtractionCache(db, extractionCache);
  phase("save-cache");
  const changes = configChanges(config.config, head, result.changedFiles);
  const noConfig = config.found
    ? []
    : [
        {
          file: DEFAULT_CONFIG_PATH,
          kind: "config-missing",
          message: `no ${DEFAULT_CONFIG_PATH} on the base: every stream is off`,
        },
      ];
  const published: AnalysisResult = {
    ...result,
    notices: [...noConfig, ...result.notices],
    timings: { ...phases, ...result.timings },
  };

  const current = await stillOurs(db, runId, context.deliveryId);
  if (!current.ours) throw new Superseded(current.reason);
  await setBaseSha(db, runId, baseSha);
  const headPaths = new Set(head.files.map((file) => file.path));
  const publication = await completeCheckRuns(
    target,
    checkRuns,
    published,
    headPaths,
    changes,
    job.options.maxAnnotations,
    progress,
  );
  phase("check-runs");
  let commentId: number | null = null;
  let commentAction: string | null = null;
  if (pr && !pr.draft) {
    // After the check runs: explanations (bounded, never failing) only ever delay the comment.
    const explained = await explainNewFindings({
      db,
      log: context.log,
      audit: (event) => context.audit(event),
      repository: job.fullName,
      prNumber: pr.number,
      config: config.config,
      result: published,
      head,
      settings: job.options.ai,
    });
    const sticky = await upsertStickyComment(
      { octokit, db, repo, fullName: job.fullName, prNumber: pr.number },
      renderMarkdown(
        { ...published, notices: [...published.notices, ...explained.notices] },
        { configChanges: changes, explanations: explained.explanations },
      ),
    );
    commentId = sticky.commentId;
    commentAction = sticky.action;
  }
  phase("comment");

  const finishedAt = context.now();
  const findings = await saveFindings(db, runId, published);
  await recordUsage(db, job.fullName, result.suppressions.usage, now);
  if (trigger.baseline) await setBaseline(db, trigger.repositoryId, trigger.headSha, finishedAt);
  phase("persist");
  const timings = { ...phases, ...result.timings, "job.total": round(performance.now() - started) };
  context.log.info({ timings, snapshots: fetcher.stats }, "analysis completed");
  await finishRun(db, runId, { status: "completed", verdict: result.gate.verdict, timings, at: finishedAt });
  await context.audit({
    kind: "analysis.completed",
    repository: job.fullName,
    prNumber: pr?.number ?? null,
    subject: `commit:${trigger.headSha}`,
    data: {
      runId,
      base: baseSha,
      verdict: result.gate.verdict,
      passed: result.gate.passed,
      counts: Object.fromEntries(STREAMS.map((name) => [name, result.streams[name].counts])),
      findings,
      snapshots: fetcher.stats,
      changedFiles: changed.source,
      configChanges: changes,
      baseline: trigger.baseline,
      timings,
    },
  });
  await context.audit({
    kind: "publication",
    repository: job.fullName,
    prNumber: pr?.number ?? null,
    subject: `commit:${trigger.headSha}`,
    data: {
      runId,
      checkRuns: Object.fromEntries(checkRuns),
      annotations: publication.annotations,
      requests: publication.requests,
      comment: commentId === null ? null : { id: commentId, action: commentAction },
      draft: pr?.draft ?? null,
    },
  });
  return {
    status: "completed",
    runId,
    headSha: trigger.headSha,
    verdict: result.gate.verdict,
    checkRuns,
    commentId,
  };
}

async function publishConfigError(
  job: Job,
  runId: number,
  target: PublishTarget,
  checkRuns: CheckRunIds,
  errors: readonly string[],
): Promise<AnalysisOutcome> {
  const { context, trigger, pr } = job;
  const list = errors.map((line) => `- \`${line.replace(/`/g, "'")}\``).join("\n");
  const summary = `The config on the base could not be used, so nothing was checked (fail-closed):\n\n${list}\n\nFix ${DEFAULT_CONFIG_PATH} on the base branch, then re-run.`;
  await completeAllWith(target, checkRuns, "failure", "Config error", summary);
  let commentId: number | null = null;
  if (pr && !pr.draft) {
    const body = `${SUMMARY_MARKER}\n## ❌ Maestro Hive: config error\n\n${summary}\n`;
    commentId = (
      await upsertStickyComment(
        { octokit: job.octokit, db: context.db, repo: job.repo, fullName: job.fullName, prNumber: pr.number },
        body,
      )
    ).commentId;
  }
  await finishRun(context.db, runId, {
    status: "completed",
    verdict: "CONFIG_ERROR",
    error: errors.join("\n"),
    at: context.now(),
  });
  await context.audit({
    kind: "analysis.completed",
    repository: job.fullName,
    prNumber: pr?.number ?? null,
    subject: `commit:${trigger.headSha}`,
    data: { runId, verdict: "CONFIG_ERROR", errors },
  });
  await context.audit({
    kind: "publication",
    repository: job.fullName,
    prNumber: pr?.number ?? null,
    subject: `commit:${trigger.headSha}`,
    data: { runId, checkRuns: Object.fromEntries(checkRuns), conclusion: "failure", commentId },
  });
  return {
    status: "config-error",
    runId,
    headSha: trigger.headSha,
    verdict: "CONFIG_ERROR",
    checkRuns,
    commentId,
  };
}

const compareSchema = z.object({ merge_base_commit: z.object({ sha: z.string() }) });

/** What the head is compared with: the PR's merge base, the push's `before`, else the default branch's merge base. */
async function baseCommit(job: Job): Promise<string | null> {
  const { trigger, pr } = job;
  if (pr) return mergeBase(job, pr.baseSha, trigger.headSha);
  if (trigger.before) {
    if (await commitExists(job, trigger.before)) return trigger.before;
  }
  if (trigger.baseline || !trigger.defaultBranch) return null;
  const base = await mergeBase(job, trigger.defaultBranch, trigger.headSha);
  return base === trigger.headSha ? null : base;
}

async function mergeBase(job: Job, base: string, head: string): Promise<string> {
  const response = await job.octokit.request("GET /repos/{owner}/{repo}/compare/{basehead}", {
    owner: job.repo.owner,
    repo: job.repo.repo,
    basehead: `${base}...${head}`,
    per_page: 1,
  });
  return compareSchema.parse(response.data).merge_base_commit.sha;
}

/** A force push can leave `before` unreachable. */
async function commitExists(job: Job, sha: string): Promise<boolean> {
  try {
    await job.octokit.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", {
      owner: job.repo.owner,
      repo: job.repo.repo,
      commit_sha: sha,
    });
    return true;
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 404 || status === 422) return false;
    throw error;
  }
}

const pullsSchema = z.array(prByNumber);

/** The open pull request (of this repository) whose head is the commit, if any. */
async function openPullRequestAt(
  octokit: ProbotOctokit,
  repo: RepoRef,
  trigger: AnalysisTrigger,
): Promise<PullRequestRef | null> {
  const response = await octokit.request("GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls", {
    owner: repo.owner,
    repo: repo.repo,
    commit_sha: trigger.headSha,
  });
  const pulls = pullsSchema.parse(response.data);
  const open = pulls.find(
    (pr) =>
      pr.state === "open" &&
      pr.head.sha === trigger.headSha &&
      pr.base.repo.full_name.toLowerCase() === trigger.fullName.toLowerCase(),
  );
  return open ? pullRequestRef({ ...open, draft: open.draft ?? false }, trigger.fullName) : null;
}

/** Our check runs on the commit that GitHub still shows queued or in progress. */
async function unfinishedRunsOnGitHub(
  octokit: ProbotOctokit,
  repo: RepoRef,
  headSha: string,
): Promise<number[]> {
  const runs = await octokit.paginate("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
    owner: repo.owner,
    repo: repo.repo,
    ref: headSha,
    filter: "all",
    per_page: 100,
  });
  return runs
    .filter((run) => CHECK_NAMES.includes(run.name) && run.status !== "completed")
    .map((run) => run.id);
}

/** Latest check runs of other apps on the head, for DDE `requiredChecks`; [] when none are required. */
async function requiredCheckRuns(job: Job, config: MaestroConfig): Promise<CheckRunResult[] | null> {
  const required = config.dde?.requiredChecks ?? [];
  if (required.length === 0) return [];
  const runs = await job.octokit.paginate("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
    owner: job.repo.owner,
    repo: job.repo.repo,
    ref: job.trigger.headSha,
    filter: "latest",
    per_page: 100,
  });
  return runs
    .filter((run) => !CHECK_NAMES.includes(run.name))
    .map((run) => ({ name: run.name, conclusion: run.conclusion }));
}

/** The installation and repository rows exist even when their installation event was missed. */
async function ensureRepository(context: DeliveryContext, trigger: AnalysisTrigger, at: Date): Promise<void> {
  const existing = await getRepositoryByName(context.db, trigger.fullName);
  if (existing && existing.default_branch === trigger.defaultBranch) return;
  if (context.installationId === null) return;
  const installationId = context.installationId;
  await context.db.transaction().execute(async (trx) => {
    if (!existing) await upsertInstallation(trx, installationId, trigger.owner, at);
    await upsertRepositories(
      trx,
      existing?.installation_id ?? installationId,
      [{ id: trigger.repositoryId, fullName: trigger.fullName, defaultBranch: trigger.defaultBranch }],
      at,
    );
  });
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
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
