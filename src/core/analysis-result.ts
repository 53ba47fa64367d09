/**
 * What one analysis produces: the shape every report (text, json, markdown, SARIF,
 * annotations) and both front ends (CLI, app job) read. Built by analyze.ts.
 */
import type { GraphStats } from "./acc/graph.ts";
import type { ImportGraph } from "./acc/model.ts";
import type { BdvExecuted } from "./bdv/index.ts";
import type { Finding, Notice, ReportedFinding, StreamName } from "./findings.ts";
import type { GateResult } from "./gate.ts";
import type { SkippedFile } from "./snapshot.ts";
import type { Suppression, SuppressionIssue, SuppressionReview } from "./suppress/index.ts";

export interface StreamCounts {
  /** New, unsuppressed findings (of any severity). */
  readonly new: number;
  /** Findings already present at the base, unsuppressed. */
  readonly existing: number;
  /** Base findings that are gone from the head. */
  readonly fixed: number;
  /** Findings (new or existing) accepted by a suppression. */
  readonly suppressed: number;
}

export interface StreamReport {
  readonly name: StreamName;
  /** Its config section is present and it is listed in `gate.streams`. */
  readonly configured: boolean;
  /** It ran to the end on every snapshot it needed. */
  readonly ran: boolean;
  /** Why a configured stream could not run (it then fails the gate), else null. */
  readonly error: string | null;
  /** Head findings, diffed against the base and with suppressions applied; sorted. */
  readonly findings: readonly ReportedFinding[];
  /** Base findings that are gone from the head. */
  readonly fixed: readonly Finding[];
  /** The gate's view of the stream: false when it fails the matrix. */
  readonly passed: boolean;
  readonly counts: StreamCounts;
}

export interface SnapshotSummary {
  readonly commit: string | null;
  readonly files: number;
  readonly skipped: readonly SkippedFile[];
}

export interface SuppressionReport {
  /** Every suppression considered (config entries first, then the database's). */
  readonly considered: readonly Suppression[];
  /** Expiring soon, stale (matched nothing this run), unused for 30 days, expired. */
  readonly review: SuppressionReview;
  /** Suppression id → findings it suppressed in this analysis; the store adds these to use counts. */
  readonly usage: ReadonlyMap<string, number>;
  /** Config entries that were rejected (they do not apply) and merge or validity warnings. */
  readonly errors: readonly SuppressionIssue[];
  readonly warnings: readonly SuppressionIssue[];
}

export interface AnalysisResult {
  readonly gate: GateResult;
  readonly streams: Readonly<Record<StreamName, StreamReport>>;
  readonly notices: readonly Notice[];
  readonly suppressions: SuppressionReport;
  /** The head's import graph (null when ACC is not configured or could not run). */
  readonly graph: ImportGraph | null;
  readonly graphStats: GraphStats | null;
  readonly head: SnapshotSummary;
  readonly base: SnapshotSummary | null;
  /** Paths that differ between base and head (every head path without a base). */
  readonly changedFiles: readonly string[];
  /** Milliseconds per phase, e.g. `acc.head`, `acc.base`, `bdv`, `dde`, `suppress`. */
  readonly timings: Readonly<Record<string, number>>;
  /** BDV on executed behaviour (`bdv.results` configured and results given); null otherwise. */
  readonly executed?: BdvExecuted | null;
}
