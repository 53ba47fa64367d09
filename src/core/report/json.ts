/**
 * `maestro-hive check --format json`, exactly the design's contract:
 * `{ verdict, acc: { violations, fixed }, bdv: { findings, fixed }, dde: { findings } }`,
 * each finding with `id, rule, type, severity, file, line, target, message, status,
 * suppressed, suppressionId`. Fixed entries are base findings that are gone: they carry
 * the same fields except the head-only `status`, `suppressed` and `suppressionId`.
 * Extra top-level keys (`gate`, `streams`, `notices`, `suppressions`) add detail without
 * changing the contract.
 */
import type { AnalysisResult } from "../analysis-result.ts";
import type { Finding, ReportedFinding, Severity, StreamName } from "../findings.ts";
import type { GateVerdict } from "../gate.ts";

export interface JsonFinding {
  readonly id: string;
  readonly rule: string;
  readonly type: string;
  readonly severity: Severity;
  readonly file: string | null;
  readonly line: number | null;
  readonly target: string | null;
  readonly message: string;
  readonly status: "new" | "existing";
  readonly suppressed: boolean;
  readonly suppressionId: string | null;
}

export type JsonFixedFinding = Omit<JsonFinding, "status" | "suppressed" | "suppressionId">;

export interface JsonStreamState {
  readonly configured: boolean;
  readonly ran: boolean;
  readonly passed: boolean;
  readonly error: string | null;
  readonly counts: {
    readonly new: number;
    readonly existing: number;
    readonly fixed: number;
    readonly suppressed: number;
  };
}

export interface JsonReport {
  readonly verdict: "pass" | "fail";
  readonly acc: { readonly violations: JsonFinding[]; readonly fixed: JsonFixedFinding[] };
  readonly bdv: { readonly findings: JsonFinding[]; readonly fixed: JsonFixedFinding[] };
  readonly dde: { readonly findings: JsonFinding[] };
  readonly gate: {
    readonly verdict: GateVerdict;
    readonly row: string;
    readonly override: { readonly actor: string; readonly reason: string; readonly headSha: string } | null;
  };
  readonly streams: Readonly<Record<StreamName, JsonStreamState>>;
  readonly notices: {
    readonly kind: string;
    readonly file: string | null;
    readonly line: number | null;
    readonly message: string;
  }[];
  readonly suppressions: {
    readonly expiringSoon: { readonly id: string; readonly expires: string | null }[];
    readonly stale: string[];
    readonly usage: Record<string, number>;
  };
}

export function jsonReport(result: AnalysisResult): JsonReport {
  const { acc, bdv, dde } = result.streams;
  const streamState = (name: StreamName): JsonStreamState => {
    const s = result.streams[name];
    return { configured: s.configured, ran: s.ran, passed: s.passed, error: s.error, counts: s.counts };
  };
  return {
    verdict: result.gate.passed ? "pass" : "fail",
    acc: { violations: acc.findings.map(reported), fixed: acc.fixed.map(fixed) },
    bdv: { findings: bdv.findings.map(reported), fixed: bdv.fixed.map(fixed) },
    dde: { findings: dde.findings.map(reported) },
    gate: { verdict: result.gate.verdict, row: result.gate.row, override: result.gate.override },
    streams: { acc: streamState("acc"), bdv: streamState("bdv"), dde: streamState("dde") },
    notices: result.notices.map((n) => ({
      kind: n.kind,
      file: n.file,
      line: n.line ?? null,
      message: n.message,
    })),
    suppressions: {
      expiringSoon: result.suppressions.review.expiringSoon.map((s) => ({
        id: s.id,
        expires: s.expires?.toISOString() ?? null,
      })),
      stale: result.suppressions.review.stale.map((s) => s.id),
      usage: Object.fromEntries(result.suppressions.usage),
    },
  };
}

export function renderJson(result: AnalysisResult): string {
  return `${JSON.stringify(jsonReport(result), null, 2)}\n`;
}

function fixed(finding: Finding): JsonFixedFinding {
  return {
    id: finding.id,
    rule: finding.rule,
    type: finding.type,
    severity: finding.severity,
    file: finding.file,
    line: finding.line,
    target: finding.target,
    message: finding.message,
  };
}

function reported(finding: ReportedFinding): JsonFinding {
  return {
    ...fixed(finding),
    status: finding.status,
    suppressed: finding.suppressed,
    suppressionId: finding.suppressionId,
  };
}
