/**
 * The four check runs on the head commit — `Maestro ACC`, `Maestro BDV`, `Maestro DDE`,
 * `Maestro gate` — created `in_progress` when the analysis starts and completed with a
 * conclusion, a summary and annotations. Annotations go 50 per request (GitHub appends
 * them across updates); the last request carries the conclusion. Beyond the cap (1,000)
 * the rest are listed in the output text. Summary and text stay under 65,535 characters.
 * Every run gets a "Re-run" button (check_run.requested_action).
 */
import type { ProbotOctokit } from "probot";
import type { AnalysisResult } from "../core/analysis-result.ts";
import type { StreamName } from "../core/findings.ts";
import { STREAMS } from "../core/gate.ts";
import {
  batchAnnotations,
  type CheckAnnotation,
  DEFAULT_MAX_ANNOTATIONS,
} from "../core/report/annotations.ts";
import {
  CHECK_RUN_NAMES,
  type CheckConclusion,
  type CheckRunOutput,
  gateCheckRun,
  streamCheckRun,
} from "../core/report/check-runs.ts";
import { truncateChars } from "../core/report/common.ts";
import { configChangeSection, noticeSection, suppressionSection } from "../core/report/markdown.ts";
import { markCheckRunsCompleted, recordCheckRun } from "../store/check-runs.ts";
import type { Db } from "../store/db.ts";
import type { RepoRef } from "./snapshot.ts";

/** GitHub refuses output.summary / output.text over 65,535 characters. */
export const MAX_OUTPUT_CHARS = 65_535;
const OUTPUT_BUDGET = 65_000;
const TRUNCATION_NOTE = "\n\n_… truncated: GitHub keeps at most 65,535 characters here._";

export const CHECK_NAMES: readonly string[] = [
  ...STREAMS.map((s) => CHECK_RUN_NAMES[s]),
  CHECK_RUN_NAMES.gate,
];

export const RERUN_ACTION = {
  label: "Re-run",
  description: "Analyse this commit again",
  identifier: "rerun",
} as const;

/** Check run ids by name, for one head commit. */
export type CheckRunIds = ReadonlyMap<string, number>;

export interface PublishTarget {
  readonly octokit: ProbotOctokit;
  readonly db: Db;
  readonly repo: RepoRef;
  /** "owner/name", as the database keys it. */
  readonly fullName: string;
  readonly headSha: string;
}

/**
 * Creates the four check runs in progress and records their ids. Pass the same `ids` map
 * again after a failure: runs created already are not created twice.
 */
export async function createCheckRuns(
  target: PublishTarget,
  externalId: string,
  ids: Map<string, number> = new Map(),
): Promise<CheckRunIds> {
  for (const name of CHECK_NAMES) {
    if (ids.has(name)) continue;
    const response = await target.octokit.rest.checks.create({
      owner: target.repo.owner,
      repo: target.repo.repo,
      name,
      head_sha: target.headSha,
      status: "in_progress",
      started_at: new Date().toISOString(),
      external_id: externalId,
      output: {
        title: "Analysing…",
        summary: `Maestro Hive is analysing \`${target.headSha.slice(0, 7)}\`.`,
      },
    });
    const id = Number(response.data.id);
    ids.set(name, id);
    await recordCheckRun(target.db, target.fullName, target.headSha, name, id, "in_progress");
  }
  return ids;
}

export interface PublishStats {
  readonly requests: number;
  readonly annotations: number;
  /** Annotation requests per check run name (the last one also completes the run). */
  readonly batches: Readonly<Record<string, number>>;
}

/** Extra sections for every summary: suppressions to look at, notices (config changes first), timings. */
function detailSections(result: AnalysisResult, configChanges: readonly string[]): string {
  const lines = [
    ...configChangeSection(configChanges),
    ...suppressionSection(result),
    ...noticeSection(result),
  ];
  const timings = Object.entries(result.timings);
  if (timings.length > 0) {
    lines.push(
      `<sub>Timings: ${timings.map(([phase, ms]) => `${phase} ${Math.round(ms)} ms`).join(" · ")}</sub>`,
    );
  }
  return lines.join("\n").trim();
}

/**
 * Requests already accepted per check run id. Annotations are appended by GitHub and can
 * never be removed, so a retried publication resumes where the failed one stopped instead
 * of sending a batch twice (the result, hence the batches, is the same on every attempt).
 */
export type PublishProgress = Map<number, number>;

/** Completes the four runs from an analysis result. */
export async function completeCheckRuns(
  target: PublishTarget,
  ids: CheckRunIds,
  result: AnalysisResult,
  headPaths: ReadonlySet<string>,
  configChanges: readonly string[] = [],
  maxAnnotations: number = DEFAULT_MAX_ANNOTATIONS,
  progress: PublishProgress = new Map(),
  preview = false,
): Promise<PublishStats> {
  const details = detailSections(result, configChanges);
  const computed: CheckRunOutput[] = [
    ...STREAMS.map((name: StreamName) => streamCheckRun(result, name, headPaths)),
    gateCheckRun(result),
  ];
  const outputs = preview ? computed.map(asPreview) : computed;
  let requests = 0;
  let annotations = 0;
  const batches: Record<string, number> = {};
  for (const output of outputs) {
    const id = ids.get(output.name);
    if (id === undefined) continue;
    const summary = details ? `${output.summary}\n\n${details}` : output.summary;
    const sent = await completeOne(target, id, output, summary, maxAnnotations, progress);
    requests += sent.requests;
    annotations += sent.annotations;
    batches[output.name] = sent.requests;
  }
  await markCheckRunsCompleted(target.db, target.fullName, [...ids.values()]);
  return { requests, annotations, batches };
}

/**
 * No config on the default branch yet: every run is neutral (never blocks) and says that it
 * shows what the starter config (the onboarding pull request's) would find.
 */
function asPreview(output: CheckRunOutput): CheckRunOutput {
  return {
    ...output,
    conclusion: "neutral",
    title: truncateChars(`No config yet (preview): ${output.title}`, 255),
    summary: `**No \`.github/maestro-hive.yml\` on the default branch yet**: this check is neutral and never blocks. It shows what the starting config of the onboarding pull request would find (run \`npx maestro-hive init\` for the same locally).\n\n${output.summary}`,
    annotations: output.annotations.map((annotation) => ({
      ...annotation,
      annotation_level: "notice" as const,
    })),
  };
}

async function completeOne(
  target: PublishTarget,
  id: number,
  output: CheckRunOutput,
  summary: string,
  maxAnnotations: number,
  progress: PublishProgress,
): Promise<{ requests: number; annotations: number }> {
  const { batches, overflowText } = batchAnnotations(output.annotations, maxAnnotations);
  const body = {
    title: output.title,
    summary: limit(summary),
    ...(overflowText ? { text: limit(overflowText) } : {}),
  };
  const all: CheckAnnotation[][] = batches.length > 0 ? batches : [[]];
  let requests = 0;
  for (let i = progress.get(id) ?? 0; i < all.length; i++) {
    const last = i === all.length - 1;
    const annotations = all[i] ?? [];
    await target.octokit.rest.checks.update({
      owner: target.repo.owner,
      repo: target.repo.repo,
      check_run_id: id,
      ...(last
        ? {
            status: "completed",
            conclusion: output.conclusion,
            completed_at: new Date().toISOString(),
            actions: [RERUN_ACTION],
          }
        : {}),
      output: { ...body, ...(annotations.length > 0 ? { annotations: annotations.map(plain) } : {}) },
    });
    progress.set(id, i + 1);
    requests++;
  }
  return { requests, annotations: batches.reduce((sum, batch) => sum + batch.length, 0) };
}

function plain(annotation: CheckAnnotation) {
  return { ...annotation };
}

function limit(text: string): string {
  return text.length <= OUTPUT_BUDGET
    ? text
    : truncateChars(text, OUTPUT_BUDGET - TRUNCATION_NOTE.length, "") + TRUNCATION_NOTE;
}

/** Completes runs with one conclusion and message: config errors, failures, superseded work. */
export async function completeAllWith(
  target: PublishTarget,
  ids: CheckRunIds | readonly number[],
  conclusion: CheckConclusion,
  title: string,
  summary: string,
): Promise<void> {
  const list = Array.isArray(ids) ? (ids as readonly number[]) : [...(ids as CheckRunIds).values()];
  for (const id of list) {
    await target.octokit.rest.checks.update({
      owner: target.repo.owner,
      repo: target.repo.repo,
      check_run_id: id,
      status: "completed",
      conclusion,
      completed_at: new Date().toISOString(),
      output: { title: truncateChars(title, 255), summary: limit(summary) },
      actions: [RERUN_ACTION],
    });
  }
  await markCheckRunsCompleted(target.db, target.fullName, list);
}

export type { CheckConclusion };
export { CHECK_RUN_NAMES };
