/**
 * The outputs of the four check runs the app publishes: `Maestro ACC`, `Maestro BDV`,
 * `Maestro DDE` (findings, with annotations) and `Maestro gate` (the matrix row, why each
 * stream failed, the override). Titles and summaries respect GitHub's limits
 * (summary and text ≤ 65,535 characters); annotations are returned whole for
 * `batchAnnotations`.
 */
import type { AnalysisResult, StreamReport } from "../analysis-result.ts";
import type { StreamName } from "../findings.ts";
import { STREAMS } from "../gate.ts";
import { type CheckAnnotation, findingAnnotations } from "./annotations.ts";
import { findingExtras, location, plural, STREAM_TITLES, truncateChars } from "./common.ts";
import { codeSpan, escapeMarkdown } from "./escape.ts";
import { executedSection } from "./executed.ts";
import { appliedSuppressionsSection } from "./markdown.ts";

export const CHECK_RUN_NAMES: Readonly<Record<StreamName | "gate", string>> = {
  acc: "Maestro ACC",
  bdv: "Maestro BDV",
  dde: "Maestro DDE",
  gate: "Maestro gate",
};

export type CheckConclusion = "success" | "failure" | "neutral";

export interface CheckRunOutput {
  readonly name: string;
  readonly conclusion: CheckConclusion;
  readonly title: string;
  readonly summary: string;
  readonly annotations: readonly CheckAnnotation[];
}

/** GitHub refuses output.summary/text over 65,535 characters; keep a margin. */
const MAX_SUMMARY = 60_000;
const MAX_TITLE = 255;
const MAX_LISTED = 200;

/** One stream's check run. Not configured → neutral, with a hint how to enable it. */
export function streamCheckRun(
  result: AnalysisResult,
  name: StreamName,
  headPaths: ReadonlySet<string>,
): CheckRunOutput {
  const stream = result.streams[name];
  const checkName = CHECK_RUN_NAMES[name];
  if (!stream.configured) {
    return {
      name: checkName,
      conclusion: "neutral",
      title: "Not configured",
      summary: `${STREAM_TITLES[name]} is not configured: add a \`${name}\` section to .github/maestro-hive.yml and list it in \`gate.streams\`.`,
      annotations: [],
    };
  }
  const conclusion: CheckConclusion = stream.passed ? "success" : "failure";
  const title = truncateChars(streamTitle(stream), MAX_TITLE);
  return {
    name: checkName,
    conclusion,
    title,
    summary: truncateChars(
      [
        streamSummary(stream),
        ...(name === "bdv" ? executedSection(result) : []),
        "",
        ...appliedSuppressionsSection(result, name),
      ]
        .join("\n")
        .trimEnd(),
      MAX_SUMMARY,
      "\n\n_… truncated._",
    ),
    annotations: findingAnnotations(stream.findings, headPaths),
  };
}

/** The gate's check run: the matrix row, each stream's state and reason, the override. */
export function gateCheckRun(result: AnalysisResult): CheckRunOutput {
  const { gate } = result;
  const lines = [
    `**${escapeMarkdown(gate.row)}**`,
    "",
    "| ACC | BDV | DDE | Verdict |",
    "|---|---|---|---|",
    `| ${STREAMS.map((name) => stateCell(result, name)).join(" | ")} | ${gate.verdict} |`,
    "",
  ];
  for (const name of STREAMS) {
    const reason = gate.streams[name].reason;
    if (reason) lines.push(`- ${name.toUpperCase()}: ${escapeMarkdown(reason)}`);
  }
  if (gate.override) {
    lines.push(
      "",
      `Overridden by @${escapeMarkdown(gate.override.actor)} for \`${gate.override.headSha.slice(0, 7)}\`: ${escapeMarkdown(gate.override.reason)}`,
    );
  } else if (gate.overrideRejected) {
    lines.push("", `An override was not applied: ${escapeMarkdown(gate.overrideRejected)}`);
  }
  lines.push("", "Only ALL_PASS, or an override bound to this commit, passes the gate.");
  const suppressions = appliedSuppressionsSection(result);
  if (suppressions.length > 0) lines.push("", ...suppressions);
  return {
    name: CHECK_RUN_NAMES.gate,
    conclusion: gate.passed ? "success" : "failure",
    title: gate.override ? `${gate.verdict} (overridden)` : gate.verdict,
    summary: truncateChars(lines.join("\n"), MAX_SUMMARY),
    annotations: [],
  };
}

function stateCell(result: AnalysisResult, name: StreamName): string {
  const state = result.gate.streams[name].state;
  return state === "not-configured" ? "n/a" : state;
}

function streamTitle(stream: StreamReport): string {
  if (!stream.ran) return "Could not run";
  const c = stream.counts;
  const parts = [plural(c.new, "new finding")];
  if (c.existing > 0) parts.push(`${c.existing} existing`);
  if (c.fixed > 0) parts.push(`${c.fixed} fixed`);
  if (c.suppressed > 0) parts.push(`${c.suppressed} suppressed`);
  return parts.join(", ");
}

function streamSummary(stream: StreamReport): string {
  const lines: string[] = [];
  if (!stream.ran) lines.push(`**Could not run:** ${escapeMarkdown(stream.error ?? "unknown error")}`, "");
  const c = stream.counts;
  lines.push(`New: ${c.new} · Existing: ${c.existing} · Fixed: ${c.fixed} · Suppressed: ${c.suppressed}`, "");
  const fresh = stream.findings.filter((f) => f.status === "new" && !f.suppressed);
  if (fresh.length > 0) {
    lines.push("### New findings", "");
    for (const f of fresh.slice(0, MAX_LISTED)) {
      lines.push(
        `- **${f.severity}** ${codeSpan(location(f))} ${escapeMarkdown(f.message)} (${codeSpan(f.rule)}, ${codeSpan(f.id)})`,
      );
      for (const extra of findingExtras(f)) lines.push(`  - ${escapeMarkdown(extra)}`);
    }
    if (fresh.length > MAX_LISTED) lines.push(`- … and ${fresh.length - MAX_LISTED} more`);
    lines.push("");
  }
  if (stream.fixed.length > 0) {
    lines.push(`### Fixed (${stream.fixed.length})`, "");
    for (const f of stream.fixed.slice(0, MAX_LISTED))
      lines.push(`- ${codeSpan(location(f))} ${escapeMarkdown(f.message)}`);
    if (stream.fixed.length > MAX_LISTED) lines.push(`- … and ${stream.fixed.length - MAX_LISTED} more`);
  }
  return lines.join("\n").trimEnd();
}
