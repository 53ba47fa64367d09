/**
 * The report for people at a terminal: per stream, the findings that count (new first),
 * then existing, suppressed and fixed ones, the notices, the counts and the verdict.
 */
import type { AnalysisResult, StreamReport } from "../analysis-result.ts";
import type { ReportedFinding, StreamName } from "../findings.ts";
import { STREAMS } from "../gate.ts";
import { location, plural, STREAM_TITLES } from "./common.ts";

export interface TextOptions {
  /** Notices listed before "and N more"; all are counted. */
  readonly maxNotices?: number;
}

export function renderText(result: AnalysisResult, options: TextOptions = {}): string {
  const lines: string[] = [];
  const heading = result.base
    ? `maestro-hive check: ${commitLabel(result.head.commit)} against base ${commitLabel(result.base.commit)}`
    : `maestro-hive check: ${commitLabel(result.head.commit)}`;
  lines.push(heading, "");
  for (const name of STREAMS) lines.push(...streamSection(name, result.streams[name]), "");
  lines.push(...noticeSection(result, options.maxNotices ?? 20));
  lines.push(...suppressionSection(result));
  lines.push("Summary:");
  for (const name of STREAMS) {
    const s = result.streams[name];
    if (!s.configured) continue;
    const c = s.counts;
    lines.push(
      `  ${name.toUpperCase()}: ${c.new} new, ${c.existing} existing, ${c.fixed} fixed, ${c.suppressed} suppressed`,
    );
  }
  const skipped = result.head.skipped.length;
  lines.push(`  ${plural(result.head.files, "file")} analysed${skipped > 0 ? `, ${skipped} skipped` : ""}`);
  lines.push("");
  const overridden = result.gate.override
    ? ` (overridden by ${result.gate.override.actor}: ${result.gate.override.reason})`
    : "";
  lines.push(
    `Verdict: ${result.gate.verdict} — gate ${result.gate.passed ? "passes" : "fails"}${overridden}`,
  );
  lines.push(`  ${result.gate.row}`);
  return `${lines.join("\n")}\n`;
}

function streamSection(name: StreamName, stream: StreamReport): string[] {
  const title = STREAM_TITLES[name];
  if (!stream.configured) return [`${title}: not configured`];
  const lines = stream.ran
    ? [`${title}: ${stream.passed ? "pass" : "FAIL"}`]
    : [`${title}: FAIL — could not run: ${stream.error ?? "unknown error"}`];
  const groups: [string, (f: ReportedFinding) => boolean][] = [
    ["new", (f) => f.status === "new" && !f.suppressed],
    ["existing", (f) => f.status === "existing" && !f.suppressed],
    ["suppressed", (f) => f.suppressed],
  ];
  for (const [label, belongs] of groups) {
    const members = stream.findings.filter(belongs);
    if (members.length === 0) continue;
    lines.push(`  ${label} (${members.length}):`);
    for (const f of members) {
      const suffix = f.suppressed ? ` [suppressed by ${f.suppressionId}]` : "";
      lines.push(`    ${f.severity.padEnd(7)} ${location(f)}  ${f.message}  (${f.rule}, ${f.id})${suffix}`);
    }
  }
  if (stream.fixed.length > 0) {
    lines.push(`  fixed (${stream.fixed.length}):`);
    for (const f of stream.fixed) lines.push(`    ${location(f)}  ${f.message}  (${f.rule}, ${f.id})`);
  }
  if (stream.ran && stream.findings.length === 0 && stream.fixed.length === 0) lines.push("  no findings");
  return lines;
}

function noticeSection(result: AnalysisResult, max: number): string[] {
  if (result.notices.length === 0) return [];
  const lines = [`Notices (${result.notices.length}):`];
  for (const n of result.notices.slice(0, max)) {
    const where = n.file ? `${n.file}${n.line ? `:${n.line}` : ""}: ` : "";
    lines.push(`  ${where}${n.message}`);
  }
  if (result.notices.length > max) lines.push(`  … and ${result.notices.length - max} more`);
  lines.push("");
  return lines;
}

function suppressionSection(result: AnalysisResult): string[] {
  const { review, errors, warnings } = result.suppressions;
  const lines: string[] = [];
  for (const s of review.expiringSoon)
    lines.push(`  expiring ${s.expires?.toISOString().slice(0, 10)}: ${s.id}`);
  for (const s of review.stale) lines.push(`  stale (matched nothing): ${s.id}`);
  for (const issue of errors) lines.push(`  rejected: ${issue.message}`);
  for (const issue of warnings) lines.push(`  warning: ${issue.message}`);
  return lines.length === 0 ? [] : ["Suppressions:", ...lines, ""];
}

function commitLabel(commit: string | null): string {
  return commit === null ? "working tree" : commit.slice(0, 12);
}
