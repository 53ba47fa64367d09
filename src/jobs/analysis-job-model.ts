/** The analysis job's state as its stages pass it along (analysis-job.ts, analyse-and-publish.ts). */
import type { ProbotOctokit } from "probot";
import type { ExplainerSettings } from "../ai/explain.ts";
import type { CheckRunSet } from "../github/check-run-set.ts";
import type { RepositoryConfig } from "../github/config.ts";
import type { DeliveryContext } from "../github/delivery.ts";
import type { AnalysisTrigger, PullRequestRef } from "../github/events.ts";
import type { CheckRunIds, PublishTarget } from "../github/publish.ts";
import type { RetryPolicy } from "../github/retry.ts";
import type { RepoRef } from "../github/snapshot.ts";
import type { AnalysisSandbox } from "../sandbox/pool.ts";

export interface AnalysisOptions {
  readonly retry?: Partial<RetryPolicy>;
  /** Annotations per check run before the rest go to the output text (GitHub's UI shows 1,000 at most). */
  readonly maxAnnotations?: number;
  /** AI explanations for the sticky comment (src/ai); off without an API key or `ai.explain`. */
  readonly ai?: ExplainerSettings;
  /** Runs the engine in child processes with time and memory budgets; absent: in this process. */
  readonly sandbox?: AnalysisSandbox;
  /** Deepest bracket/brace nesting the TS parser is given (0: no guard); absent: the engine's default. */
  readonly parserNestingLimit?: number;
  /**
   * Milliseconds after the job starts before its check runs are shown in progress; a result
   * that comes sooner is published as completed check runs directly (fewer throttled writes).
   * Absent: DEFAULT_IN_PROGRESS_AFTER_MS; 0: in progress at once.
   */
  readonly inProgressAfterMs?: number;
}

/** See AnalysisOptions.inProgressAfterMs. */
export const DEFAULT_IN_PROGRESS_AFTER_MS = 2_500;

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

/** One analysis job: the delivery, what it asks for, and how to talk to GitHub. */
export interface Job {
  readonly context: DeliveryContext;
  readonly trigger: AnalysisTrigger;
  readonly octokit: ProbotOctokit;
  readonly repo: RepoRef;
  readonly fullName: string;
  /** The pull request analysed, or null for a push without an open pull request. */
  readonly pr: PullRequestRef | null;
  readonly policy: RetryPolicy;
  readonly options: AnalysisOptions;
  /** The config that governs the change: the default branch's, or the PR's base when that is the default branch. */
  readonly config: RepositoryConfig;
  /** The commit (or branch) that config was read from: peer configs (acc.adopt) are read there too. */
  readonly configRef: string;
  /** analysisKey(config, compared commit): what the claim and overrides are bound to. */
  readonly analysisKey: string;
  /** When the job started: the claim and the supersession are stamped with it. */
  readonly startedAt: Date;
  /** Runs GitHub work with the job's retry policy, logging each retry. */
  retrying<T>(work: () => Promise<T>): Promise<T>;
}

/** A claimed analysis and its check runs (shown in progress once it takes long, then completed). */
export interface StartedRun {
  readonly runId: number;
  readonly target: PublishTarget;
  readonly checks: CheckRunSet;
}

/** A newer delivery took the commit over: this attempt must not publish. */
export class Superseded extends Error {}

/** Appends an audit row about the job's head commit (and pull request). */
export function auditCommit(job: Job, kind: string, data: Record<string, unknown>): Promise<void> {
  return job.context.audit({
    kind,
    repository: job.fullName,
    prNumber: job.pr?.number ?? null,
    subject: `commit:${job.trigger.headSha}`,
    data,
  });
}

/** The outcome of a run that reached its check runs. */
export function runOutcome(
  status: "completed" | "config-error" | "failed" | "superseded",
  job: Job,
  run: StartedRun,
  verdict: string | null,
  commentId: number | null,
): AnalysisOutcome {
  return {
    status,
    runId: run.runId,
    headSha: job.trigger.headSha,
    verdict,
    checkRuns: run.checks.ids,
    commentId,
  };
}
