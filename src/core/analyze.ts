/**
 * The engine's one entry point, used by the CLI and by the app's analysis job:
 * snapshots + config in, one AnalysisResult out.
 *
 *   streams (ACC, BDV on head and base; DDE on the change) → diff by finding id
 *   → suppressions (config entries merged with the database's) → gate verdict
 *
 * A stream is configured when its config section is present and it is listed in
 * `gate.streams`; streams that are not configured do not run. A configured stream that
 * throws or reports that it could not run fails the gate (fail-closed), with its error in
 * the result. Pure: no I/O, and the clock is an input (`now`; `clock` only for timings).
 */

import { type PolicyFiles, policyFilesOf, withAdoptedRules } from "./acc/adopt/index.ts";
import { type GraphStats, languageOfPath } from "./acc/graph.ts";
import { type AccResult, runAcc } from "./acc/index.ts";
import type { ExtractionCache, ImportGraph } from "./acc/model.ts";
import type {
  AnalysisResult,
  SnapshotSummary,
  StreamCounts,
  StreamReport,
  SuppressionReport,
} from "./analysis-result.ts";
import type { BdvExecuted } from "./bdv/index.ts";
import type { ExecutedInput } from "./bdv/results/judge.ts";
import type { AccConfig, BdvConfig, DdeConfig, MaestroConfig } from "./config/schema.ts";
import { type CheckRunResult, runDde } from "./dde/index.ts";
import { diffFindings, type Unchecked } from "./diff.ts";
import {
  type Finding,
  type Notice,
  type ReportedFinding,
  SEVERITY_ORDER,
  type StreamName,
} from "./findings.ts";
import { decideGate, type GateOverride, STREAMS } from "./gate.ts";
import { skippedInScope } from "./skipped-scope.ts";
import type { SkippedFile, SkipReason, Snapshot } from "./snapshot.ts";
import {
  applySuppressions,
  type CompiledSuppressions,
  compileSuppressions,
  configSuppressions,
  type LoadedSuppressions,
  mergeSuppressions,
  reviewSuppressions,
  type Suppression,
} from "./suppress/index.ts";
import { UNREADABLE_FILE } from "./unreadable.ts";

export type { AnalysisResult, StreamCounts, StreamReport, SuppressionReport } from "./analysis-result.ts";
export type { CheckRunResult } from "./dde/index.ts";
export type { GateOverride, GateResult, GateVerdict } from "./gate.ts";

export interface AnalyzeInput {
  readonly head: Snapshot;
  /** The commit to compare with (a PR's merge base, a push's previous commit); null: none. */
  readonly base?: Snapshot | null;
  /** The validated config; with a base, the same config serves both commits. */
  readonly config: MaestroConfig;
  /**
   * The commit policy comes from besides the config: the import-linter / dependency-cruiser
   * configs adopted as ACC rules (`acc.adopt`) are read from its files. The app passes the
   * commit its config was read from (a PR's base, else the default branch); default: the head
   * (the CLI analyses the project's own tree). The same rules serve head and base.
   */
  readonly policy?: PolicyFiles | null;
  /** Suppressions from the database; the config's own are merged in here (the config wins on id clashes). */
  readonly suppressions?: readonly Suppression[];
  /** The analysis clock: suppression expiry and review use it. */
  readonly now: Date;
  /**
   * Paths changed between base and head, when the caller knows them (the PR files API).
   * null/absent: computed by comparing blob SHAs of base and head; without a base every
   * head path counts as changed.
   */
  readonly changedFiles?: ReadonlySet<string> | null;
  /** Check runs on the head commit (latest per name), for DDE `requiredChecks`; null: unknown (local run). */
  readonly checkRuns?: readonly CheckRunResult[] | null;
  /**
   * An earlier ACC result of (an earlier state of) the head, which the CLI keeps on disk, with
   * the key of the config it was computed with (`keepHeadAcc`). With the same config it serves
   * as runAcc's `previous` (resolutions, and findings where the graph did not change), else
   * only its graph memo is reused.
   */
  readonly headPrevious?: { readonly result: AccResult; readonly configKey: string } | null;
  /** Receives the head's ACC result and its config key, for a later run's `headPrevious`. */
  readonly keepHeadAcc?: (result: AccResult, configKey: string) => void;
  /** Content-addressed extraction cache shared by head and base (on disk for the CLI, in the database for the app). */
  readonly extractionCache?: ExtractionCache;
  /**
   * Source files nesting brackets deeper than this are not parsed but reported unreadable
   * (guards/nesting.ts): the native parser would overflow its stack. Default 500; null: no
   * guard (only where a crash cannot take the service down, e.g. an isolated process).
   */
  readonly maxNestingDepth?: number | null;
  /** Scenario results CI reported for the head (BDV on executed behaviour); absent: none configured. */
  readonly executed?: ExecutedInput | null;
  /** An audited gate override; it applies only when bound to the head commit. */
  readonly override?: GateOverride | null;
  /**
   * Awaited before each phase (ACC head, ACC base, BDV head, BDV base, DDE, suppressions), so
   * a server process can answer requests between them, e.g. `() => new Promise((r) => setImmediate(r))`.
   */
  readonly pause?: () => Promise<void>;
  /** Monotonic milliseconds for `timings`; default performance.now. */
  readonly clock?: () => number;
  /** Runs each named phase (the app opens a trace span around it); default: just runs it. */
  readonly around?: <T>(phase: string, work: () => T) => T;
}

/** What one stream run returns before the diff: head findings, base findings (null without base). */
interface StreamRun {
  readonly head: readonly Finding[];
  readonly base: readonly Finding[] | null;
  readonly notices: readonly Notice[];
  /** Set when the stream ran only in part (its findings are kept, but it fails the gate). */
  readonly failure?: string | null;
  /** What the head run did not check: base findings there are not "fixed" (diff.ts). */
  readonly unchecked?: { readonly checks?: readonly string[]; readonly files?: readonly string[] };
}

/**
 * Notices that mean the engine itself failed on some input (an extractor or resolver threw),
 * as opposed to problems of the analysed code (parse errors). The graph then misses edges,
 * so the ACC stream cannot vouch for its result: it fails closed.
 */
const INTERNAL_FAILURE_KINDS: ReadonlySet<string> = new Set(["extract-failed", "resolve-error"]);

function internalFailure(notices: readonly Notice[]): string | null {
  const failed = notices.filter((notice) => INTERNAL_FAILURE_KINDS.has(notice.kind));
  if (failed.length === 0) return null;
  const first = failed[0]!;
  const more = failed.length > 1 ? ` (and ${failed.length - 1} more)` : "";
  return `the import graph is incomplete: ${first.file ?? "a file"}: ${first.message}${more}`;
}

/** The BDV finding of a configured contract whose spec is missing or does not parse. */
const UNREADABLE_CONTRACT = "invalid-contract";

export async function analyze(input: AnalyzeInput): Promise<AnalysisResult> {
  const timer = phaseTimer(input);
  const base = input.base ?? null;
  const changed = input.changedFiles ?? changedPaths(base, input.head);
  // 1. Each configured stream on the head (and the base); an error fails that stream closed.
  const graph: GraphOutput = { graph: null, stats: null, executed: null };
  const outcomes: Record<StreamName, StreamOutcome> = {
    acc: await runStream(input.config, "acc", (acc) => runAccStream(input, acc, timer, graph)),
    bdv: await runStream(input.config, "bdv", (bdv) => runBdvStream(input, bdv, changed, timer, graph)),
    dde: await runStream(input.config, "dde", (dde) => runDdeStream(input, dde, changed, timer)),
  };
  // 2. Suppressions: the config's entries merged with the database's, compiled once.
  const suppressions = await prepareSuppressions(input, timer);
  // 3. Base-vs-head diff by finding id, then suppressions: one report per stream.
  const notices = skippedNotices(
    skippedInScope(input.head.skipped, input.config, (stream) => isConfigured(input.config, stream)),
  );
  const reports = await timer.time("diff+suppress", () =>
    reportStreams(
      outcomes,
      suppressions.compiled,
      suppressions.usage,
      notices,
      new Set(input.head.skipped.map((entry) => entry.path)),
    ),
  );
  // 4. The gate's verdict, and each stream's pass or fail in it.
  const gate = decideGate({ streams: reports, headSha: input.head.commit, override: input.override ?? null });
  for (const name of STREAMS)
    reports[name] = { ...reports[name], passed: gate.streams[name].state !== "fail" };
  // 5. The result every report reads.
  return {
    gate,
    streams: reports,
    notices,
    suppressions: suppressionReport(suppressions, input.now),
    graph: graph.graph,
    graphStats: graph.stats,
    head: summarize(input.head),
    base: base ? summarize(base) : null,
    changedFiles: [...changed].sort(),
    timings: timer.timings,
    executed: graph.executed,
  };
}

// ---- the stages --------------------------------------------------------------------------

/** Times named phases; awaits the caller's `pause` before each. */
interface PhaseTimer {
  readonly timings: Record<string, number>;
  time<T>(phase: string, work: () => T): Promise<T>;
}

function phaseTimer(input: AnalyzeInput): PhaseTimer {
  const clock = input.clock ?? (() => performance.now());
  const pause = input.pause ?? (() => Promise.resolve());
  const around = input.around ?? (<T>(_phase: string, work: () => T): T => work());
  const timings: Record<string, number> = {};
  return {
    timings,
    async time<T>(phase: string, work: () => T): Promise<T> {
      await pause();
      const start = clock();
      try {
        return around(phase, work);
      } finally {
        timings[phase] = Math.round((clock() - start) * 100) / 100;
      }
    },
  };
}

/** A stream's place in the run: configured or not, and what it returned or why it could not run. */
interface StreamOutcome {
  readonly configured: boolean;
  readonly run: StreamRun | null;
  readonly error: string | null;
}

/** Runs a configured stream with its config section; an exception becomes the stream's error. */
async function runStream<S extends StreamName>(
  config: MaestroConfig,
  name: S,
  work: (section: NonNullable<MaestroConfig[S]>) => Promise<StreamRun>,
): Promise<StreamOutcome> {
  const section = config[name];
  if (!isConfigured(config, name) || section === undefined || section === null) {
    return { configured: false, run: null, error: null };
  }
  try {
    return { configured: true, run: await work(section as NonNullable<MaestroConfig[S]>), error: null };
  } catch (error) {
    return { configured: true, run: null, error: error instanceof Error ? error.message : String(error) };
  }
}

/** The head's import graph (set as soon as the head is analysed) and BDV's executed results. */
interface GraphOutput {
  graph: ImportGraph | null;
  stats: GraphStats | null;
  executed: BdvExecuted | null;
}

async function runAccStream(
  input: AnalyzeInput,
  accConfig: AccConfig,
  timer: PhaseTimer,
  out: GraphOutput,
): Promise<StreamRun> {
  const options = {
    ...(input.extractionCache ? { extractionCache: input.extractionCache } : {}),
    ...(input.maxNestingDepth !== undefined ? { maxNestingDepth: input.maxNestingDepth } : {}),
  };
  // The adopted peer contracts join the config's rules; the same rules then serve head and base.
  const adopted = await withAdoptedRules(accConfig, input.policy ?? policyFilesOf(input.head));
  const acc = adopted.config;
  const configKey = input.headPrevious || input.keepHeadAcc ? JSON.stringify(acc) : "";
  const earlier = input.headPrevious ?? null;
  const headOptions =
    earlier === null
      ? options
      : earlier.configKey === configKey
        ? { ...options, previous: earlier.result }
        : { ...options, reuse: earlier.result.memo };
  const head = await timer.time("acc.head", () => runAcc(input.head, acc, headOptions));
  input.keepHeadAcc?.(head, configKey);
  out.graph = head.graph;
  out.stats = head.stats;
  // The base reuses the head's work (resolutions, and findings when the graphs are equal)
  // where it provably still holds.
  const baseSnapshot = input.base ?? null;
  const base = baseSnapshot
    ? await timer.time("acc.base", () => runAcc(baseSnapshot, acc, { ...options, previous: head }))
    : null;
  return {
    head: head.findings,
    base: base?.findings ?? null,
    notices: [...adopted.notices, ...head.notices],
    failure: internalFailure([...head.notices, ...(base?.notices ?? [])]),
    // Imports after a syntax error, or of an unreadable file, are unknown: violations from
    // that file are not "fixed".
    unchecked: {
      files: [
        ...head.notices.flatMap((notice) =>
          notice.kind === "parse-error" && notice.file ? [notice.file] : [],
        ),
        ...head.findings.flatMap((finding) =>
          finding.type === UNREADABLE_FILE && finding.file ? [finding.file] : [],
        ),
      ],
    },
  };
}

async function runBdvStream(
  input: AnalyzeInput,
  bdv: BdvConfig,
  changed: ReadonlySet<string>,
  timer: PhaseTimer,
  out: GraphOutput,
): Promise<StreamRun> {
  // Loaded only when BDV is configured: Gherkin, Cucumber expressions and the step readers are
  // most of the engine's code, and a start-up cost every other check would pay (issue 17).
  const { runBdv } = await import("./bdv/index.ts");
  const base = input.base ?? null;
  const executed = bdv.results.length > 0 ? (input.executed ?? null) : null;
  const head = await timer.time("bdv.head", () =>
    runBdv({ head: input.head, base, config: bdv, changedFiles: changed, executed }),
  );
  out.executed = head.executed;
  // The base's own findings, for the diff; breaking changes exist only between two commits.
  const baseResult = base
    ? await timer.time("bdv.base", () => runBdv({ head: base, base: null, config: bdv }))
    : null;
  // Fail-closed: without its contract the stream could not check what it was configured to,
  // even when the spec was already unreadable at the base.
  const unreadable = head.findings.filter((finding) => finding.type === UNREADABLE_CONTRACT);
  return {
    head: head.findings,
    base: baseResult?.findings ?? null,
    notices: head.notices,
    failure: unreadable.length > 0 ? unreadable.map((finding) => finding.message).join("; ") : null,
    unchecked: { checks: head.skippedChecks, files: head.uncheckedFiles },
  };
}

async function runDdeStream(
  input: AnalyzeInput,
  dde: DdeConfig,
  changed: ReadonlySet<string>,
  timer: PhaseTimer,
): Promise<StreamRun> {
  const result = await timer.time("dde", () =>
    runDde({
      config: dde,
      changedFiles: changed,
      headPaths: allPaths(input.head),
      checkRuns: input.checkRuns ?? null,
    }),
  );
  // DDE audits the change itself: there is no base audit, so every finding is new.
  return { head: result.findings, base: null, notices: result.notices };
}

interface PreparedSuppressions {
  readonly fromConfig: LoadedSuppressions;
  readonly merged: ReturnType<typeof mergeSuppressions>;
  readonly compiled: CompiledSuppressions;
  /** Matches per suppression id, filled while the streams are reported. */
  readonly usage: Map<string, number>;
}

async function prepareSuppressions(input: AnalyzeInput, timer: PhaseTimer): Promise<PreparedSuppressions> {
  const fromConfig = configSuppressions(input.config, input.now);
  const merged = mergeSuppressions(fromConfig.suppressions, input.suppressions ?? []);
  const compiled = await timer.time("suppress.compile", () =>
    compileSuppressions(merged.suppressions, { now: input.now }),
  );
  return { fromConfig, merged, compiled, usage: new Map() };
}

/** Diffs and suppresses each stream's findings; collects notices and suppression usage. `passed` is set by the gate. */
function reportStreams(
  outcomes: Record<StreamName, StreamOutcome>,
  compiled: CompiledSuppressions,
  usage: Map<string, number>,
  notices: Notice[],
  skippedPaths: ReadonlySet<string>,
): Record<StreamName, StreamReport> {
  const reports = {} as Record<StreamName, StreamReport>;
  for (const name of STREAMS) {
    const { configured, run, error } = outcomes[name];
    const failure = error ?? run?.failure ?? null;
    const diff = diffFindings(run?.head ?? [], run?.base ?? null, uncheckedOf(run, failure, skippedPaths));
    const applied = applySuppressions(diff.findings, compiled);
    for (const [id, count] of applied.usage) usage.set(id, (usage.get(id) ?? 0) + count);
    const findings = sortFindings(applied.findings);
    notices.push(...(run?.notices ?? []), ...unverifiedNotice(name, diff.unverified.length));
    reports[name] = {
      name,
      configured,
      ran: configured && run !== null && failure === null,
      error: failure,
      findings,
      fixed: sortFindings(diff.fixed),
      passed: true,
      counts: countFindings(findings, diff.fixed.length),
    };
  }
  return reports;
}

/**
 * What a stream's head run did not check. A stream that failed or ran in part checked nothing
 * it can vouch for; files the snapshot skipped were checked by no stream.
 */
function uncheckedOf(run: StreamRun | null, failure: string | null, skipped: ReadonlySet<string>): Unchecked {
  if (failure !== null || run === null) return { all: true };
  return {
    checks: new Set(run.unchecked?.checks ?? []),
    files: new Set([...skipped, ...(run.unchecked?.files ?? [])]),
  };
}

function unverifiedNotice(stream: StreamName, count: number): Notice[] {
  if (count === 0) return [];
  return [
    {
      file: null,
      kind: "unverified-fixed",
      message: `${count} ${stream.toUpperCase()} finding${count > 1 ? "s" : ""} of the base ${count > 1 ? "are" : "is"} not listed as fixed: this commit could not check ${count > 1 ? "them" : "it"} again (a file does not parse, was skipped, or the check did not run).`,
    },
  ];
}

function suppressionReport(prepared: PreparedSuppressions, now: Date): SuppressionReport {
  const { fromConfig, merged, compiled, usage } = prepared;
  return {
    considered: merged.suppressions,
    review: reviewSuppressions(merged.suppressions, usage, now),
    usage,
    errors: fromConfig.errors,
    warnings: [
      ...fromConfig.warnings,
      ...merged.warnings,
      ...compiled.skipped.map((s) => ({
        id: s.suppression.id,
        field: "pattern" as const,
        message: `suppression "${s.suppression.id}" skipped: ${s.reason}`,
      })),
    ],
  };
}

// In a module of their own: `maestro-hive graph` loads them without the rest of the engine.
export { importGraph, startImportGraph } from "./acc/graph-config.ts";

/** Configured: its section is present and `gate.streams` lists it. */
export function isConfigured(config: MaestroConfig, stream: StreamName): boolean {
  return config[stream] !== undefined && config.gate.streams.includes(stream);
}

/**
 * Paths added, modified (different blob SHA) or deleted between base and head. Without a
 * base the base is an empty repository: every head path changed.
 */
export function changedPaths(base: Snapshot | null, head: Snapshot): Set<string> {
  if (base === null) return new Set(allPaths(head));
  const baseShas = new Map(base.files.map((file) => [file.path, file.blobSha]));
  const changed = new Set<string>();
  for (const file of head.files) {
    if (baseShas.get(file.path) !== file.blobSha) changed.add(file.path);
    baseShas.delete(file.path);
  }
  for (const path of baseShas.keys()) changed.add(path);
  // Skipped entries have no content to compare: present on one side only means changed.
  const baseSkipped = new Set(base.skipped.map((entry) => entry.path));
  const headSkipped = new Set(head.skipped.map((entry) => entry.path));
  for (const path of headSkipped) if (!baseSkipped.has(path)) changed.add(path);
  for (const path of baseSkipped) if (!headSkipped.has(path)) changed.add(path);
  return changed;
}

/**
 * Skipped because of their contents: a source file in the ACC scope is an unreadable-file
 * finding there, so only other files (feature files, specs) get a notice for those reasons.
 */
const CONTENT_SKIPS: ReadonlySet<SkipReason> = new Set(["binary", "too-large", "invalid-utf8"]);

/**
 * One notice per skip reason (a repository can hold thousands of images), naming a few paths;
 * only files a configured stream would have read (skipped-scope.ts).
 */
function skippedNotices(skipped: readonly SkippedFile[]): Notice[] {
  const byReason = new Map<string, string[]>();
  for (const entry of skipped) {
    if (CONTENT_SKIPS.has(entry.reason) && languageOfPath(entry.path) !== null) continue;
    const list = byReason.get(entry.reason);
    if (list) list.push(entry.path);
    else byReason.set(entry.reason, [entry.path]);
  }
  return [...byReason].map(([reason, paths]) => {
    const shown = paths.slice(0, 5).join(", ");
    const more = paths.length > 5 ? ` and ${paths.length - 5} more` : "";
    return {
      file: null,
      kind: `skipped-${reason}`,
      message: `${paths.length} file${paths.length === 1 ? "" : "s"} not analysed (${reason}): ${shown}${more}`,
    };
  });
}

function allPaths(snapshot: Snapshot): string[] {
  return [...snapshot.files.map((file) => file.path), ...snapshot.skipped.map((entry) => entry.path)];
}

function summarize(snapshot: Snapshot): SnapshotSummary {
  return { commit: snapshot.commit, files: snapshot.files.length, skipped: snapshot.skipped };
}

function countFindings(findings: readonly ReportedFinding[], fixed: number): StreamCounts {
  let fresh = 0;
  let existing = 0;
  let suppressed = 0;
  for (const finding of findings) {
    if (finding.suppressed) suppressed++;
    else if (finding.status === "new") fresh++;
    else existing++;
  }
  return { new: fresh, existing, fixed, suppressed };
}

/** Severity, then file (findings without one last), line, rule and id: a stable order for every report. */
export function sortFindings<F extends Finding>(findings: readonly F[]): F[] {
  return [...findings].sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      (a.file === null ? 1 : 0) - (b.file === null ? 1 : 0) ||
      compareText(a.file ?? "", b.file ?? "") ||
      (a.line ?? 0) - (b.line ?? 0) ||
      compareText(a.rule, b.rule) ||
      compareText(a.id, b.id),
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
