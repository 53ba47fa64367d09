/**
 * One attempt at analysing a claimed commit and publishing the result (retried as a whole by
 * analysis-job.ts):
 *
 *   1. config from the base + the commit to compare with + the PR's changed files
 *   ─► 2. snapshots ─► 3. what the engine needs from the database and GitHub ─► 4. analyze
 *   ─► 5. check runs completed (created completed when not shown in progress yet; check-run-set.ts)
 *   ─► 6. sticky comment (not written when unchanged) ─► 7. findings, usage, run finished, audit
 */
import { explainNewFindings } from "../ai/explain.ts";
import { recordPolicyReads } from "../core/acc/adopt/index.ts";
import type { AnalysisResult } from "../core/analysis-result.ts";
import { type AnalyzeInput, analyze } from "../core/analyze.ts";
import { DEFAULT_CONFIG_PATH, loadConfig } from "../core/config/load.ts";
import type { MaestroConfig } from "../core/config/schema.ts";
import { starterForSnapshot } from "../core/config/starter.ts";
import type { CheckRunResult } from "../core/dde/index.ts";
import { STREAMS } from "../core/gate.ts";
import { componentDiagram, violatingPairs } from "../core/report/graph-view.ts";
import { renderMarkdown, SUMMARY_MARKER } from "../core/report/markdown.ts";
import type { Snapshot } from "../core/snapshot.ts";
import { pullRequestChangedFiles } from "../github/changed-files.ts";
import { commitExists, mergeBase, otherAppsCheckRuns } from "../github/commits.ts";
import { configChanges, describeConfigErrors } from "../github/config.ts";
import { githubPolicyFiles } from "../github/policy-files.ts";
import { checkRunOutputs, type PublishStats } from "../github/publish.ts";
import { SnapshotFetcher, type SnapshotMode } from "../github/snapshot.ts";
import { upsertStickyComment } from "../github/sticky-comment.ts";
import {
  analysedBefore,
  finishRun,
  overrideFor,
  saveFindings,
  setBaseline,
  setBaseSha,
  stillOurs,
} from "../store/analysis-runs.ts";
import { recordFingerprints } from "../store/bdv-results.ts";
import { type DatabaseExtractionCache, loadExtractionCache, saveExtractionCache } from "../store/caches.ts";
import { listSuppressions, recordUsage } from "../store/suppressions.ts";
import { inSpan, spanAround } from "../telemetry/spans.ts";
import {
  type AnalysisOutcome,
  auditCommit,
  type Job,
  runOutcome,
  type StartedRun,
  Superseded,
} from "./analysis-job-model.ts";
import { loadExecuted } from "./executed-inputs.ts";

export async function analyseAndPublish(job: Job, run: StartedRun): Promise<AnalysisOutcome> {
  const laps = lapTimer();
  // 1. The config (read before the claim, analysis-job.ts), the commit to compare with, the PR's changed files.
  const config = job.config;
  const [baseSha, changed] = await inSpan("analysis config", {}, () =>
    Promise.all([baseCommit(job), changedFiles(job)]),
  );
  if (!config.ok) return publishConfigError(job, run, describeConfigErrors(config.errors));
  laps.lap("config+compare");
  // 2. Snapshots of base and head: a tarball the first time, then the tree and missing blobs.
  const snapshots = await inSpan("snapshot", {}, () => fetchSnapshots(job, baseSha));
  laps.lap("snapshots");
  // 3. From the database and GitHub: the extraction cache, suppressions, an override, other apps' checks.
  // No config on the base: a preview with the starter config (what onboarding proposes), published neutral.
  const engineConfig = config.found ? config.config : starterConfigFor(snapshots.head);
  const stored = await inSpan("analysis inputs", {}, () =>
    loadEngineInputs(job, snapshots.fetcher, engineConfig),
  );
  laps.lap("load");
  // 4. The engine, then its extraction cache saved.
  const now = job.context.now();
  const { head, base } = snapshots;
  // Peer contracts (acc.adopt) are read from the commit the config came from, like all policy
  // (with the tree a snapshot listed when that commit is the base or the head: no request for it).
  const listed = snapshots.fetcher.listedTree(job.configRef);
  const policy = githubPolicyFiles(job.octokit, job.repo, job.configRef, listed);
  const input = { head, base, config: engineConfig, policy, now, changedFiles: changed.paths, ...stored };
  const result = await inSpan("engine", {}, () => runEngine(job, { ...input, around: spanAround("engine") }));
  laps.lap("analyze");
  await saveExtractionCache(job.context.db, stored.extractionCache);
  laps.lap("save-cache");
  const changes = configChanges(config.config, head, result.changedFiles);
  const published = withJobNotes(result, config.found, laps.timings);
  // 5. The check runs completed — unless a newer delivery took the commit over meanwhile.
  const publication = await inSpan("publish check-runs", {}, () =>
    publishCheckRuns(job, run, published, head, changes, baseSha, !config.found),
  );
  laps.lap("check-runs");
  // 6. The sticky comment on a non-draft pull request, with explanations of new findings.
  // (Not while previewing: a repository that has not opted in gets neutral checks, no comment.)
  const comment = config.found
    ? await inSpan("publish comment", {}, () => publishComment(job, config.config, published, head, changes))
    : null;
  laps.lap("comment");
  // 7. Findings, suppression usage and the baseline stored; the run finished and audited.
  const finishedAt = job.context.now();
  const findings = await saveFindings(job.context.db, run.runId, published);
  await recordUsage(job.context.db, job.fullName, result.suppressions.usage, now);
  if (result.executed) {
    await recordFingerprints(job.context.db, job.fullName, job.trigger.headSha, result.executed.fingerprints);
  }
  if (job.trigger.baseline) {
    await setBaseline(job.context.db, job.trigger.repositoryId, job.trigger.headSha, finishedAt);
  }
  laps.lap("persist");
  const timings = { ...laps.timings, ...result.timings, "job.total": laps.total() };
  const summary: CompletedSummary = {
    result,
    baseSha,
    changes,
    findings,
    timings,
    finishedAt,
    publication,
    comment,
  };
  await finishCompleted(job, run, summary, {
    snapshots: snapshots.fetcher.stats,
    changedFiles: changed.source,
  });
  return runOutcome("completed", job, run, result.gate.verdict, comment?.commentId ?? null);
}

// ---- 1. what the change is ---------------------------------------------------------------

/** What the head is compared with: the PR's merge base, the push's `before`, else the default branch's merge base. */
async function baseCommit(job: Job): Promise<string | null> {
  const { trigger, pr, octokit, repo } = job;
  if (pr) return mergeBase(octokit, repo, pr.baseSha, trigger.headSha);
  if (trigger.before && (await commitExists(octokit, repo, trigger.before))) return trigger.before;
  if (trigger.baseline || !trigger.defaultBranch) return null;
  const base = await mergeBase(octokit, repo, trigger.defaultBranch, trigger.headSha);
  return base === trigger.headSha ? null : base;
}

function changedFiles(job: Job): ReturnType<typeof pullRequestChangedFiles> {
  const { pr } = job;
  if (!pr) return Promise.resolve({ paths: null, source: "tree-compare" as const, requests: 0 });
  return pullRequestChangedFiles(job.octokit, job.repo, pr.number, pr.changedFiles);
}

// ---- 2. and 3. what the engine reads -----------------------------------------------------

async function fetchSnapshots(
  job: Job,
  baseSha: string | null,
): Promise<{ head: Snapshot; base: Snapshot | null; fetcher: SnapshotFetcher }> {
  const { db } = job.context;
  const mode: SnapshotMode = (await analysedBefore(db, job.fullName)) ? "tree" : "tarball";
  const fetcher = new SnapshotFetcher(job.octokit, db, job.repo);
  const headSha = job.trigger.headSha;
  const snapshots = await fetcher.fetchAll(baseSha ? [baseSha, headSha] : [headSha], mode);
  const head = snapshots[snapshots.length - 1]!;
  return { head, base: baseSha ? snapshots[0]! : null, fetcher };
}

async function loadEngineInputs(job: Job, fetcher: SnapshotFetcher, config: MaestroConfig) {
  const { db } = job.context;
  const extractionCache = await loadExtractionCache(db, fetcher.blobShas());
  const suppressions = await listSuppressions(db, job.fullName);
  const override = await overrideFor(db, job.fullName, job.trigger.headSha, job.analysisKey);
  const checkRuns = await requiredCheckRuns(job, config);
  const executed = await loadExecuted(job, config);
  return { extractionCache, suppressions, override, checkRuns, executed };
}

/** Latest check runs of other apps on the head, for DDE `requiredChecks`; [] when none are required. */
async function requiredCheckRuns(job: Job, config: MaestroConfig): Promise<CheckRunResult[]> {
  const required = config.dde?.requiredChecks ?? [];
  if (required.length === 0) return [];
  return otherAppsCheckRuns(job.octokit, job.repo, job.trigger.headSha);
}

/**
 * The engine, in a child process when the app has an analysis sandbox (src/sandbox): there a
 * crash or a broken budget ends in AnalysisAborted instead of taking the app down.
 */
async function runEngine(job: Job, input: AnalyzeInput & { extractionCache: DatabaseExtractionCache }) {
  const { sandbox, parserNestingLimit } = job.options;
  // The engine's option (AnalyzeInput.maxNestingDepth, from the bounds work): null turns the guard off.
  const limits =
    parserNestingLimit === undefined
      ? {}
      : { maxNestingDepth: parserNestingLimit === 0 ? null : parserNestingLimit };
  if (!sandbox) return analyze({ ...input, ...limits });
  // Engine phase spans (`around`) stay in this process: the child's phases are not traced.
  const { extractionCache, policy, around: _around, ...portable } = input;
  // The child cannot call GitHub: the policy files adoption reads are read here and sent along.
  const policyTexts =
    policy && input.config.acc ? await recordPolicyReads(input.config.acc, policy) : undefined;
  return sandbox.analyze(
    { ...portable, ...limits, ...(policyTexts ? { policyTexts } : {}) },
    { entries: extractionCache.entries, set: (key, value) => extractionCache.set(key, value) },
  );
}

/** The engine's result with the job's own notice (no config on the base) and phase timings. */
function withJobNotes(result: AnalysisResult, configFound: boolean, timings: Record<string, number>) {
  const noConfig = configFound
    ? []
    : [
        {
          file: DEFAULT_CONFIG_PATH,
          kind: "config-missing",
          message: `no ${DEFAULT_CONFIG_PATH} on the base: checks are neutral previews of the starting config (maestro-hive init)`,
        },
      ];
  return {
    ...result,
    notices: [...noConfig, ...result.notices],
    timings: { ...timings, ...result.timings },
  } satisfies AnalysisResult;
}

// ---- 5. and 6. publishing ----------------------------------------------------------------

async function publishCheckRuns(
  job: Job,
  run: StartedRun,
  published: AnalysisResult,
  head: Snapshot,
  changes: string[],
  baseSha: string | null,
  preview: boolean,
): Promise<PublishStats> {
  const { db, deliveryId } = job.context;
  const current = await stillOurs(db, run.runId, deliveryId);
  if (!current.ours) throw new Superseded(current.reason);
  await setBaseSha(db, run.runId, baseSha);
  const headPaths = new Set(head.files.map((file) => file.path));
  const outputs = checkRunOutputs(published, headPaths, changes, job.options.maxAnnotations, preview);
  return run.checks.complete(outputs);
}

/** The starter config `maestro-hive init` and the onboarding pull request would write for this tree. */
function starterConfigFor(head: Snapshot): MaestroConfig {
  const loaded = loadConfig(starterForSnapshot(head).text, DEFAULT_CONFIG_PATH);
  if (!loaded.ok) throw new Error(`the generated config does not validate: ${loaded.errors[0]?.message}`);
  return loaded.config;
}

interface PublishedComment {
  readonly commentId: number;
  readonly action: string;
}

/** The sticky comment; explanations (bounded, never failing) run after the check runs so they only delay it. */
async function publishComment(
  job: Job,
  config: MaestroConfig,
  published: AnalysisResult,
  head: Snapshot,
  changes: string[],
): Promise<PublishedComment | null> {
  const { context, pr } = job;
  if (!pr || pr.draft) return null;
  const explained = await explainNewFindings({
    db: context.db,
    log: context.log,
    audit: (event) => context.audit(event),
    repository: job.fullName,
    prNumber: pr.number,
    config,
    result: published,
    head,
    settings: job.options.ai,
  });
  const diagram = componentDiagram(
    published.graph,
    config.acc?.components ?? {},
    published.changedFiles,
    violatingPairs(published.streams.acc.findings),
  );
  const body = renderMarkdown(
    { ...published, notices: [...published.notices, ...explained.notices] },
    { configChanges: changes, explanations: explained.explanations, componentDiagram: diagram },
  );
  return upsertStickyComment(
    { octokit: job.octokit, db: context.db, repo: job.repo, fullName: job.fullName, prNumber: pr.number },
    body,
  );
}

// ---- 7. the run's record -----------------------------------------------------------------

interface CompletedSummary {
  readonly result: AnalysisResult;
  readonly baseSha: string | null;
  readonly changes: readonly string[];
  readonly findings: Awaited<ReturnType<typeof saveFindings>>;
  readonly timings: Record<string, number>;
  readonly finishedAt: Date;
  readonly publication: PublishStats;
  readonly comment: PublishedComment | null;
}

async function finishCompleted(
  job: Job,
  run: StartedRun,
  summary: CompletedSummary,
  sources: { readonly snapshots: SnapshotFetcher["stats"]; readonly changedFiles: string },
): Promise<void> {
  const { context, trigger, pr } = job;
  const { result, timings, publication, comment } = summary;
  context.log.info({ timings, snapshots: sources.snapshots }, "analysis completed");
  const verdict = result.gate.verdict;
  await finishRun(context.db, run.runId, { status: "completed", verdict, timings, at: summary.finishedAt });
  await auditCommit(job, "analysis.completed", {
    runId: run.runId,
    base: summary.baseSha,
    verdict,
    passed: result.gate.passed,
    counts: Object.fromEntries(STREAMS.map((name) => [name, result.streams[name].counts])),
    findings: summary.findings,
    snapshots: sources.snapshots,
    changedFiles: sources.changedFiles,
    configChanges: summary.changes,
    baseline: trigger.baseline,
    timings,
  });
  await auditCommit(job, "publication", {
    runId: run.runId,
    checkRuns: Object.fromEntries(run.checks.ids),
    annotations: publication.annotations,
    requests: publication.requests,
    inProgress: publication.inProgress,
    reused: publication.reused,
    comment: comment === null ? null : { id: comment.commentId, action: comment.action },
    draft: pr?.draft ?? null,
  });
}

/** The base's config is unusable: every check run fails with the errors (fail-closed), and the comment says so. */
async function publishConfigError(
  job: Job,
  run: StartedRun,
  errors: readonly string[],
): Promise<AnalysisOutcome> {
  const { context, pr } = job;
  const list = errors.map((line) => `- \`${line.replace(/`/g, "'")}\``).join("\n");
  const summary = `The config on the base could not be used, so nothing was checked (fail-closed):\n\n${list}\n\nFix ${DEFAULT_CONFIG_PATH} on the base branch, then re-run.`;
  await run.checks.completeAll("failure", "Config error", summary);
  let commentId: number | null = null;
  if (pr && !pr.draft) {
    const body = `${SUMMARY_MARKER}\n## ❌ Maestro Hive: config error\n\n${summary}\n`;
    const where = {
      octokit: job.octokit,
      db: context.db,
      repo: job.repo,
      fullName: job.fullName,
      prNumber: pr.number,
    };
    commentId = (await upsertStickyComment(where, body)).commentId;
  }
  const verdict = "CONFIG_ERROR";
  await finishRun(context.db, run.runId, {
    status: "completed",
    verdict,
    error: errors.join("\n"),
    at: context.now(),
  });
  await auditCommit(job, "analysis.completed", { runId: run.runId, verdict, errors });
  const checkRuns = Object.fromEntries(run.checks.ids);
  await auditCommit(job, "publication", { runId: run.runId, checkRuns, conclusion: "failure", commentId });
  return runOutcome("config-error", job, run, verdict, commentId);
}

/** Phase timings of the job (`job.<phase>`: milliseconds since the previous lap). */
function lapTimer() {
  const started = performance.now();
  let last = started;
  const timings: Record<string, number> = {};
  return {
    timings,
    lap(name: string): void {
      const at = performance.now();
      timings[`job.${name}`] = round(at - last);
      last = at;
    },
    total: (): number => round(performance.now() - started),
  };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
