/**
 * What the four check runs on the head commit — `Maestro ACC`, `Maestro BDV`, `Maestro DDE`,
 * `Maestro gate` — show: a conclusion, a summary and annotations, 50 per request (GitHub
 * appends them across requests; the last request carries the conclusion). Beyond the cap
 * (1,000) the rest are listed in the output text. Summary and text stay under 65,535
 * characters. Every run gets a "Re-run" button (check_run.requested_action). Sending them is
 * check-run-set.ts's job; completeAllWith ends runs known by id with one message.
 */
import { createHash } from "node:crypto";
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
import { markCheckRunsCompleted } from "../store/check-runs.ts";
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
 * The order runs are created and completed in: the gate first, as it is the check branch
 * protection waits for (with writes spaced 1 s apart, the last of four lands 3 s later).
 */
export const PUBLISH_ORDER: readonly string[] = [
  CHECK_RUN_NAMES.gate,
  ...STREAMS.map((s) => CHECK_RUN_NAMES[s]),
];

export interface PublishStats {
  readonly requests: number;
  readonly annotations: number;
  /** Requests per check run name (the last one also completes the run; 0: reused unchanged). */
  readonly batches: Readonly<Record<string, number>>;
  /** Runs shown in progress before the result (the analysis took longer than the window). */
  readonly inProgress: readonly string[];
  /** Runs not written because a completed run of the commit already shows exactly this. */
  readonly reused: readonly string[];
}

/** One run's final output, ready to send: the requests' bodies and what identifies the content. */
export interface PublishableOutput {
  readonly name: string;
  readonly conclusion: CheckConclusion;
  readonly title: string;
  /** Summary as sent (timings included), within GitHub's limit. */
  readonly summary: string;
  /** The annotations beyond the cap, listed; absent when none. */
  readonly text?: string;
  /** At least one batch (possibly empty): one request each. */
  readonly batches: readonly (readonly CheckAnnotation[])[];
  readonly annotations: number;
  /** SHA-256 over everything shown except the timings: equal digests show the same. */
  readonly digest: string;
}

/**
 * Extra sections for every summary: suppressions to look at, notices (config changes first),
 * then timings — `withTimings` false leaves them out (timings differ on every run).
 */
function detailSections(
  result: AnalysisResult,
  configChanges: readonly string[],
  withTimings = true,
): string {
  const lines = [
    ...configChangeSection(configChanges),
    ...suppressionSection(result),
    ...noticeSection(result),
  ];
  const timings = Object.entries(result.timings);
  if (withTimings && timings.length > 0) {
    lines.push(
      `<sub>Timings: ${timings.map(([phase, ms]) => `${phase} ${Math.round(ms)} ms`).join(" · ")}</sub>`,
    );
  }
  return lines.join("\n").trim();
}

/**
 * The four runs' outputs from an analysis result, in PUBLISH_ORDER. `preview`: no config on
 * the default branch yet (neutral runs, notices).
 */
export function checkRunOutputs(
  result: AnalysisResult,
  headPaths: ReadonlySet<string>,
  configChanges: readonly string[] = [],
  maxAnnotations: number = DEFAULT_MAX_ANNOTATIONS,
  preview = false,
): PublishableOutput[] {
  const details = detailSections(result, configChanges);
  const stable = detailSections(result, configChanges, false);
  const computed: CheckRunOutput[] = [
    ...STREAMS.map((name: StreamName) => streamCheckRun(result, name, headPaths)),
    gateCheckRun(result),
  ];
  const outputs = (preview ? computed.map(asPreview) : computed).map((output) => {
    const { batches, overflowText } = batchAnnotations(output.annotations, maxAnnotations);
    const text = overflowText ? limit(overflowText) : undefined;
    const shown = (sections: string) => limit(sections ? `${output.summary}\n\n${sections}` : output.summary);
    const all = batches.length > 0 ? batches : [[]];
    const digest = createHash("sha256")
      .update(
        JSON.stringify([output.name, output.conclusion, output.title, shown(stable), text ?? null, all]),
      )
      .digest("hex");
    return {
      name: output.name,
      conclusion: output.conclusion,
      title: output.title,
      summary: shown(details),
      ...(text === undefined ? {} : { text }),
      batches: all,
      annotations: batches.reduce((sum, batch) => sum + batch.length, 0),
      digest,
    };
  });
  return PUBLISH_ORDER.map((name) => outputs.find((output) => output.name === name)!);
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

/** The request body of one batch of a run's output (title and summary are required with output). */
export function outputBody(output: PublishableOutput, batch: readonly CheckAnnotation[]) {
  return {
    title: output.title,
    summary: output.summary,
    ...(output.text === undefined ? {} : { text: output.text }),
    ...(batch.length > 0 ? { annotations: batch.map((annotation) => ({ ...annotation })) } : {}),
  };
}

function limit(text: string): string {
  return text.length <= OUTPUT_BUDGET
    ? text
    : truncateChars(text, OUTPUT_BUDGET - TRUNCATION_NOTE.length, "") + TRUNCATION_NOTE;
}

/** The output of a run that shows one message (a config error, a failure, superseded work). */
export function messageOutput(title: string, summary: string): { title: string; summary: string } {
  return { title: truncateChars(title, 255), summary: limit(summary) };
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
      output: messageOutput(title, summary),
      actions: [RERUN_ACTION],
    });
  }
  await markCheckRunsCompleted(target.db, target.fullName, list);
}

export type { CheckConclusion };
export { CHECK_RUN_NAMES };
