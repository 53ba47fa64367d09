/**
 * `workflow_run` completed: the run's artifacts named in `bdv.results` (config from the default
 * branch) are downloaded, read and stored per scenario; then the run's head commit is analysed
 * again, so its BDV check run, the gate and the sticky comment show the results. A configured
 * artifact the run did not produce (or that cannot be read) is stored as such: the analysis
 * reports it as missing rather than passing silently.
 */
import { z } from "zod";
import { readArtifact } from "../core/bdv/results/index.ts";
import type { ResultSource } from "../core/bdv/results/judge.ts";
import { DEFAULT_ZIP_CAPS } from "../core/bdv/results/zip.ts";
import { downloadArtifact, findArtifact } from "../github/artifacts.ts";
import { loadRepositoryConfig } from "../github/config.ts";
import type { DeliveryContext, DeliveryHandler } from "../github/delivery.ts";
import type { AnalysisTrigger } from "../github/events.ts";
import type { RepoRef } from "../github/snapshot.ts";
import { type StoredReport, saveReport } from "../store/bdv-results.ts";
import { type AnalysisOptions, runAnalysis } from "./analysis-job.ts";

const sha = z.string().regex(/^[0-9a-f]{40}$/);

const workflowRunEvent = z.object({
  action: z.string(),
  workflow_run: z.object({
    id: z.number().int(),
    run_attempt: z.number().int().positive(),
    head_sha: sha,
    head_branch: z.string().nullable(),
    name: z.string().nullable().optional(),
  }),
  repository: z.object({
    id: z.number().int(),
    name: z.string(),
    full_name: z.string(),
    owner: z.object({ login: z.string() }),
    default_branch: z.string().optional(),
  }),
});

export function createResultsIntakeHandler(options: AnalysisOptions = {}): DeliveryHandler {
  return async (context) => {
    const payload = workflowRunEvent.parse(context.payload);
    if (payload.action !== "completed") return;
    const { repository, workflow_run: run } = payload;
    const repo: RepoRef = { owner: repository.owner.login, repo: repository.name };
    const octokit = await context.octokit();
    // Policy comes from the default branch: a pull request cannot choose which artifacts count.
    const config = await loadRepositoryConfig(octokit, repo, repository.default_branch ?? run.head_sha);
    const sources = config.ok ? (config.config.bdv?.results ?? []) : [];
    if (sources.length === 0) return;
    const stored = [];
    for (const source of sources) {
      const report = await readSource(context, repo, run.id, source);
      await saveReport(
        context.db,
        {
          repository: repository.full_name,
          headSha: run.head_sha,
          workflowRunId: run.id,
          runAttempt: run.run_attempt,
          artifact: source.artifact,
          format: source.format,
        },
        report,
        context.now(),
      );
      stored.push({
        artifact: source.artifact,
        status: report.status,
        scenarios: report.results.length,
        problems: report.problems.slice(0, 5),
      });
    }
    await context.audit({
      kind: "bdv.results",
      repository: repository.full_name,
      subject: `commit:${run.head_sha}`,
      data: {
        workflowRunId: run.id,
        runAttempt: run.run_attempt,
        workflow: run.name ?? null,
        reports: stored,
      },
    });
    context.log.info(
      { workflowRunId: run.id, runAttempt: run.run_attempt, reports: stored },
      "BDV results stored",
    );
    const trigger: AnalysisTrigger = {
      event: context.event,
      action: context.action,
      owner: repo.owner,
      repo: repo.repo,
      fullName: repository.full_name,
      repositoryId: repository.id,
      defaultBranch: repository.default_branch ?? null,
      headSha: run.head_sha,
      headRef: run.head_branch,
      pullRequest: null,
      findPullRequest: true,
      before: null,
      baseline: false,
      force: true,
      rerun: false,
    };
    await runAnalysis(context, trigger, options);
  };
}

async function readSource(
  context: DeliveryContext,
  repo: RepoRef,
  runId: number,
  source: ResultSource,
): Promise<StoredReport> {
  const octokit = await context.octokit();
  const artifact = await findArtifact(octokit, repo, runId, source.artifact);
  if (!artifact) {
    return {
      status: "missing",
      problems: [`workflow run ${runId} has no unexpired artifact named "${source.artifact}"`],
      results: [],
    };
  }
  try {
    const zip = await downloadArtifact(octokit, repo, artifact, DEFAULT_ZIP_CAPS.maxArchiveBytes);
    const read = readArtifact(source.format, source.artifact, zip);
    if (read.results.length === 0) return { status: "unreadable", problems: [...read.problems], results: [] };
    return { status: "read", problems: [...read.problems], results: read.results };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Transient GitHub failures are retried by the job; what the artifact itself causes is stored.
    if (
      typeof (error as { status?: unknown }).status === "number" &&
      (error as { status: number }).status >= 500
    )
      throw error;
    return { status: "unreadable", problems: [`artifact "${source.artifact}": ${message}`], results: [] };
  }
}
