/**
 * Judges executed scenario results of one commit: failed scenarios, contract fulfilment, flaky
 * scenarios (over a window of history), quarantines, and configured result sources that did not
 * report. Pure: everything it reads is an input, the clock included.
 *
 * - A contract version is fulfilled on the commit when at least one scenario tagged for it ran
 *   (passed or failed, in the latest attempt) and none failed — quarantined ones excepted.
 * - A scenario is flaky when its outcome differs between tries of the same code: attempts or
 *   retries on this commit, or commits where its feature file and step files have the same blob
 *   SHAs. The flake rate is the share of such comparable consecutive executions whose outcome
 *   flipped, over the latest FLAKE_WINDOW executions.
 * - A failed scenario fails the stream only when it failed in the latest attempt and is not
 *   quarantined; a flaky one that passed last is a warning.
 */
import type { BdvReport } from "../report.ts";
import { type ResultFormat, type ScenarioResult, type ScenarioStatus, scenarioLabel } from "./model.ts";
import { type Quarantine, quarantineOf } from "./quarantine.ts";
import type { CodeFingerprint, StaticView } from "./static-view.ts";

export const FLAKE_WINDOW = 20;

export interface ResultSource {
  readonly artifact: string;
  readonly format: ResultFormat;
}

export interface SourceReport {
  readonly workflowRunId: number;
  readonly runAttempt: number;
  readonly artifact: string;
  readonly status: "read" | "missing" | "unreadable";
  readonly problems: readonly string[];
}

export interface Execution extends ScenarioResult {
  readonly headSha: string;
  readonly workflowRunId: number;
  readonly runAttempt: number;
  readonly recordedAt: Date;
  readonly featureBlob: string | null;
  readonly stepBlobs: readonly string[] | null;
}

export interface ExecutedInput {
  readonly sources: readonly ResultSource[];
  /** Milliseconds a configured source has to report after the commit was first analysed. */
  readonly timeoutMs: number;
  /** When this commit was first analysed (the timeout counts from there). */
  readonly since: Date;
  readonly now: Date;
  readonly reports: readonly SourceReport[];
  /** Every result of this commit (all runs and attempts). */
  readonly results: readonly Execution[];
  /** Results of the same scenarios on other commits, newest first (storage bounds it to the window). */
  readonly history: readonly Execution[];
  readonly quarantines: readonly Quarantine[];
}

export interface ContractFulfilment {
  readonly contract: string;
  readonly fulfilled: boolean;
  readonly ran: number;
  readonly failed: number;
  readonly quarantined: number;
}

export interface FlakyScenario {
  readonly id: string;
  readonly label: string;
  /** Flipped / comparable consecutive executions, over the window. */
  readonly flips: number;
  readonly comparable: number;
  readonly rate: number;
  readonly latest: ScenarioStatus;
  readonly quarantined: boolean;
}

export interface ExecutedSummary {
  readonly scenarios: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly contracts: readonly ContractFulfilment[];
  readonly flaky: readonly FlakyScenario[];
  readonly quarantines: readonly Quarantine[];
  /** Scenarios whose failure a quarantine kept from failing the stream. */
  readonly quarantinedFailures: readonly string[];
  readonly pending: readonly string[];
  readonly missing: readonly string[];
}

const ORDER = (a: Execution, b: Execution) =>
  a.recordedAt.getTime() - b.recordedAt.getTime() ||
  a.workflowRunId - b.workflowRunId ||
  a.runAttempt - b.runAttempt;

export function judgeExecuted(input: ExecutedInput, view: StaticView, report: BdvReport): ExecutedSummary {
  const { missing, pending } = checkSources(input, report);
  const latest = latestPerScenario(input.results);
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const quarantinedFailures: string[] = [];
  const flaky: FlakyScenario[] = [];
  for (const result of latest) {
    if (result.status === "passed") passed++;
    else if (result.status === "failed") failed++;
    else skipped++;
    const quarantine = quarantineOf(input.quarantines, result, input.now);
    const flake = flakeOf(result, input, view.fingerprints.get(result.feature) ?? null, quarantine !== null);
    if (flake) flaky.push(flake);
    reportScenario(result, quarantine, flake, view, report);
    if (result.status === "failed" && quarantine) quarantinedFailures.push(result.id);
  }
  const contracts = latest.length > 0 ? fulfilment(latest, input, view, report) : [];
  return {
    scenarios: latest.length,
    passed,
    failed,
    skipped,
    contracts,
    flaky,
    quarantines: input.quarantines.filter((q) => q.expires.getTime() > input.now.getTime()),
    quarantinedFailures,
    pending,
    missing,
  };
}

/** The latest attempt of each scenario on this commit (per scenario id). */
function latestPerScenario(results: readonly Execution[]): Execution[] {
  const byId = new Map<string, Execution>();
  for (const result of [...results].sort(ORDER)) byId.set(result.id, result);
  return [...byId.values()].sort((a, b) => (scenarioLabel(a) < scenarioLabel(b) ? -1 : 1));
}

function checkSources(input: ExecutedInput, report: BdvReport): { missing: string[]; pending: string[] } {
  const missing: string[] = [];
  const pending: string[] = [];
  for (const source of input.sources) {
    const reports = input.reports.filter((entry) => entry.artifact === source.artifact);
    if (reports.some((entry) => entry.status === "read")) {
      for (const entry of reports.filter((r) => r.status === "read" && r.problems.length > 0)) {
        report.notice({
          file: null,
          kind: "bdv-results-problems",
          message: `Artifact ${source.artifact} (run ${entry.workflowRunId}, attempt ${entry.runAttempt}) was read with problems: ${entry.problems.slice(0, 3).join("; ")}`,
        });
      }
      continue;
    }
    const last = reports[reports.length - 1];
    if (last) {
      missing.push(source.artifact);
      report.add({
        check: "results-missing",
        severity: "error",
        file: null,
        line: null,
        target: source.artifact,
        subject: source.artifact,
        message: `Results missing: workflow run ${last.workflowRunId} (attempt ${last.runAttempt}) completed without a readable ${source.format} artifact "${source.artifact}"${last.problems.length > 0 ? `: ${last.problems.slice(0, 3).join("; ")}` : ""}.`,
      });
      continue;
    }
    const waited = input.now.getTime() - input.since.getTime();
    if (waited >= input.timeoutMs) {
      missing.push(source.artifact);
      report.add({
        check: "results-missing",
        severity: "error",
        file: null,
        line: null,
        target: source.artifact,
        subject: source.artifact,
        message: `Results missing: no workflow run reported the ${source.format} artifact "${source.artifact}" within ${describeMs(input.timeoutMs)} of this commit's first analysis.`,
      });
    } else {
      pending.push(source.artifact);
      report.add({
        check: "results-pending",
        severity: "warning",
        file: null,
        line: null,
        target: source.artifact,
        subject: source.artifact,
        message: `Waiting for the ${source.format} artifact "${source.artifact}" from CI (up to ${describeMs(input.timeoutMs - waited)} more); the checks are published again when it arrives.`,
      });
    }
  }
  return { missing, pending };
}

function describeMs(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  return minutes >= 120 && minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
}

function sameCode(a: CodeFingerprint | null, b: Execution): boolean {
  if (!a || b.featureBlob === null || b.stepBlobs === null) return false;
  return a.featureBlob === b.featureBlob && a.stepBlobs.join(",") === b.stepBlobs.join(",");
}

/**
 * Executions of the scenario on this code, oldest first, within the window: every try on this
 * commit (retries inside a run included) and the history's tries on commits with the same
 * fingerprint. Skipped tries say nothing about flakiness and are left out.
 */
function flakeOf(
  result: Execution,
  input: ExecutedInput,
  fingerprint: CodeFingerprint | null,
  quarantined: boolean,
): FlakyScenario | null {
  const here = input.results.filter((r) => r.id === result.id).sort(ORDER);
  const before = input.history.filter((r) => r.id === result.id && sameCode(fingerprint, r)).sort(ORDER);
  const outcomes: ScenarioStatus[] = [];
  for (const execution of [...before, ...here]) outcomes.push(...execution.retries, execution.status);
  const window = outcomes.filter((status) => status !== "skipped").slice(-FLAKE_WINDOW);
  let flips = 0;
  for (let index = 1; index < window.length; index++) if (window[index] !== window[index - 1]) flips++;
  if (flips === 0) return null;
  const comparable = window.length - 1;
  return {
    id: result.id,
    label: scenarioLabel(result),
    flips,
    comparable,
    rate: Math.round((flips / comparable) * 1000) / 10,
    latest: result.status,
    quarantined,
  };
}

function reportScenario(
  result: Execution,
  quarantine: Quarantine | null,
  flake: FlakyScenario | null,
  view: StaticView,
  report: BdvReport,
): void {
  const line = view.scenarioLines.get(result.feature)?.get(result.name) ?? null;
  const file = view.scenarioLines.has(result.feature) ? result.feature : null;
  const label = scenarioLabel(result);
  const where = `run ${result.workflowRunId}, attempt ${result.runAttempt}`;
  const flakeNote = flake
    ? ` Flaky: ${flake.flips} of ${flake.comparable} comparable runs flipped (${flake.rate}%).`
    : "";
  const error = result.error ? firstLine(result.error) : "no error message";
  if (result.status === "failed") {
    report.add({
      check: quarantine ? "scenario-quarantined" : "scenario-failed",
      severity: quarantine ? "info" : "error",
      file,
      line,
      target: result.id,
      subject: result.id,
      message: quarantine
        ? `Scenario ${result.id} "${label}" failed (${where}) but is quarantined until ${quarantine.expires.toISOString().slice(0, 10)}: ${quarantine.reason}`
        : `Scenario ${result.id} "${label}" failed in CI (${where}): ${error}.${flakeNote}`,
      ...(result.error ? { details: result.error } : {}),
    });
    return;
  }
  if (flake && !quarantine) {
    report.add({
      check: "scenario-flaky",
      severity: "warning",
      file,
      line,
      target: result.id,
      subject: result.id,
      message: `Scenario ${result.id} "${label}" is flaky: it ${result.status} last (${where}), but ${flake.flips} of ${flake.comparable} comparable runs on the same code flipped (${flake.rate}%).`,
    });
  }
}

/** The error's first lines on one line, up to 200 characters (the details carry all of it). */
function firstLine(text: string): string {
  const line = text
    .split("\n")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .slice(0, 3)
    .join(" ");
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

function fulfilment(
  latest: readonly Execution[],
  input: ExecutedInput,
  view: StaticView,
  report: BdvReport,
): ContractFulfilment[] {
  const claimed = new Set<string>([...view.contractTags.keys(), ...latest.flatMap((r) => r.contracts)]);
  const out: ContractFulfilment[] = [];
  for (const contract of [...claimed].sort()) {
    const tagged = latest.filter((result) => result.contracts.includes(contract));
    const ran = tagged.filter((result) => result.status !== "skipped");
    const failing = ran.filter((result) => result.status === "failed");
    const quarantined = failing.filter(
      (result) => quarantineOf(input.quarantines, result, input.now) !== null,
    );
    const counted = failing.filter((result) => !quarantined.includes(result));
    const fulfilled = ran.length > 0 && counted.length === 0;
    out.push({
      contract,
      fulfilled,
      ran: ran.length,
      failed: counted.length,
      quarantined: quarantined.length,
    });
    if (fulfilled) continue;
    const where = view.contractTags.get(contract) ?? null;
    const reason =
      ran.length === 0
        ? `no scenario tagged @contract:${contract} ran in CI${tagged.length > 0 ? ` (${tagged.length} skipped)` : ""}`
        : `${counted.length} of ${ran.length} scenarios tagged for it failed: ${counted
            .slice(0, 5)
            .map(
              (result) => `"${scenarioLabel(result)}" (${result.error ? firstLine(result.error) : "failed"})`,
            )
            .join(", ")}${counted.length > 5 ? ", …" : ""}`;
    report.add({
      check: "contract-unfulfilled",
      severity: "error",
      file: where?.file ?? null,
      line: where?.line ?? null,
      target: contract,
      subject: contract,
      message: `Contract ${contract} is not fulfilled on this commit: ${reason}.`,
      details: counted
        .map((result) => `${scenarioLabel(result)} [${result.id}]\n${result.error ?? "failed"}`)
        .join("\n\n"),
    });
  }
  return out;
}
