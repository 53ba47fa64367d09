/**
 * The sticky PR comment (and `check --format markdown`): the verdict, a counts table per
 * stream, the new findings, suppressions to look at, and config notices. Every piece of
 * user-controlled text (messages, paths, reasons) is escaped so it cannot break the table
 * or inject HTML, mentions or links. The body stays under GitHub's 65,536-character limit:
 * the findings table is cut with a note when it would not fit.
 */
import { codeSpan, escapeMarkdown } from "./escape.ts";

export { escapeMarkdown } from "./escape.ts";

import type { AnalysisResult } from "../analysis-result.ts";
import type { ReportedFinding, StreamName } from "../findings.ts";
import { STREAMS } from "../gate.ts";
import type { Suppression } from "../suppress/index.ts";
import { findingExtras, location, plural, truncateChars } from "./common.ts";
import { executedSection } from "./executed.ts";

export const SUMMARY_MARKER = "<!-- maestro-hive:summary -->";
/** GitHub refuses comment bodies over 65,536 characters; keep a margin. */
export const MAX_MARKDOWN_LENGTH = 65_000;
const MAX_MESSAGE_CHARS = 300;
const MAX_LISTED_SUPPRESSIONS = 20;
const MAX_LISTED_NOTICES = 20;
/** Cycle members listed per finding (the rest are counted). */
const MAX_LISTED_MEMBERS = 10;

export interface MarkdownOptions {
  /** Upper bound of the body in characters; default MAX_MARKDOWN_LENGTH. */
  readonly maxLength?: number;
  /** Optional explanations (finding id → text), rendered under the findings table. */
  readonly explanations?: ReadonlyMap<string, string>;
  /** Config changes in this PR (describeConfigChanges of src/core/config/diff.ts), listed as notices. */
  readonly configChanges?: readonly string[];
  /** Where the full list lives (a check run URL), named in the truncation note. */
  readonly detailsUrl?: string;
  /** Mermaid of the components the change touches (graph-view.ts componentDiagram). */
  readonly componentDiagram?: string | null;
}

export function renderMarkdown(result: AnalysisResult, options: MarkdownOptions = {}): string {
  const max = options.maxLength ?? MAX_MARKDOWN_LENGTH;
  const head = [SUMMARY_MARKER, ...verdictSection(result), "", ...countsTable(result), ""].join("\n");
  const tail = [
    ...executedSection(result),
    ...diagramSection(options.componentDiagram),
    ...overrideSection(result),
    ...suppressionSection(result),
    ...appliedSuppressionsSection(result),
    ...configChangeSection(options.configChanges),
    ...noticeSection(result),
    ...explanationSection(options.explanations),
  ].join("\n");

  const newFindings = STREAMS.flatMap((name) =>
    result.streams[name].findings.filter((f) => f.status === "new" && !f.suppressed),
  );
  const findingLines = newFindings.length === 0 ? [] : ["### New findings", "", TABLE_HEADER, TABLE_RULE];
  const rows = newFindings.map(findingRow);
  // Reserve room for the truncation note and the tail, then fill rows while they fit.
  const reserve = 400 + tail.length;
  let used = head.length + findingLines.join("\n").length + reserve;
  let shown = 0;
  for (const row of rows) {
    if (used + row.length + 1 > max) break;
    findingLines.push(row);
    used += row.length + 1;
    shown++;
  }
  if (shown < rows.length) {
    const where = options.detailsUrl
      ? ` — see [the check run](${options.detailsUrl})`
      : " — see the check runs";
    findingLines.push("", `_… and ${rows.length - shown} more new findings not shown${where}._`);
  }
  const body = [head, ...(findingLines.length > 0 ? [findingLines.join("\n"), ""] : []), tail]
    .join("\n")
    .trimEnd();
  // A last guard for a tail that alone exceeds the budget (thousands of notices, long explanations).
  return body.length <= max
    ? `${body}\n`
    : `${truncateChars(body, max - 60, "")}\n\n_… comment truncated._\n`;
}

const TABLE_HEADER = "| Severity | Stream | Rule | Location | Message | Id |";
const TABLE_RULE = "|---|---|---|---|---|---|";

function verdictSection(result: AnalysisResult): string[] {
  const { gate } = result;
  const icon = gate.passed ? "✅" : "❌";
  const outcome = gate.override
    ? `passes by override of @${escapeMarkdown(gate.override.actor)}`
    : gate.passed
      ? "passes"
      : "fails";
  const commit = result.head.commit ? ` for \`${result.head.commit.slice(0, 7)}\`` : "";
  return [
    `## ${icon} Maestro Hive: ${gate.verdict}`,
    "",
    `The gate ${outcome}${commit}. ${escapeMarkdown(gate.row)}`,
  ];
}

function countsTable(result: AnalysisResult): string[] {
  const lines = [
    "| Stream | Status | New | Existing | Fixed | Suppressed |",
    "|---|---|---:|---:|---:|---:|",
  ];
  for (const name of STREAMS) {
    const s = result.streams[name];
    const status = !s.configured
      ? "➖ not configured"
      : !s.ran
        ? "❌ could not run"
        : s.passed
          ? "✅ pass"
          : "❌ fail";
    const c = s.counts;
    const cells = s.configured ? [c.new, c.existing, c.fixed, c.suppressed].map(String) : ["", "", "", ""];
    lines.push(`| ${name.toUpperCase()} | ${status} | ${cells.join(" | ")} |`);
  }
  const broken = STREAMS.filter((name) => result.streams[name].configured && !result.streams[name].ran);
  for (const name of broken) {
    lines.push(
      "",
      `**${name.toUpperCase()} could not run:** ${escapeMarkdown(result.streams[name].error ?? "unknown error")}`,
    );
  }
  return lines;
}

function findingRow(f: ReportedFinding): string {
  const where = f.file === null ? "—" : code(f.line === null ? f.file : `${f.file}:${f.line}`);
  const severity = f.severity === "error" ? "🔴 error" : f.severity === "warning" ? "🟡 warning" : "🔵 info";
  const extras = findingExtras(f, MAX_LISTED_MEMBERS).map(
    (line) => `<br>${escapeMarkdown(truncateChars(line, MAX_MESSAGE_CHARS))}`,
  );
  return `| ${severity} | ${f.stream.toUpperCase()} | ${code(f.rule)} | ${where} | ${escapeMarkdown(truncateChars(f.message, MAX_MESSAGE_CHARS))}${extras.join("")} | ${code(f.id)} |`;
}

function diagramSection(diagram: string | null | undefined): string[] {
  if (!diagram) return [];
  return [
    "<details open><summary>Components this change touches (imports that break a rule in red)</summary>",
    "",
    "```mermaid",
    diagram.trimEnd(),
    "```",
    "",
    "</details>",
    "",
  ];
}

function overrideSection(result: AnalysisResult): string[] {
  const lines: string[] = [];
  const { override, overrideRejected } = result.gate;
  if (override) {
    lines.push(
      "### Override",
      "",
      `@${escapeMarkdown(override.actor)} overrode the gate for \`${override.headSha.slice(0, 7)}\`: ${escapeMarkdown(override.reason)}`,
      "",
    );
  } else if (overrideRejected) {
    lines.push("### Override", "", `Not applied: ${escapeMarkdown(overrideRejected)}`, "");
  }
  return lines;
}

export function suppressionSection(result: AnalysisResult): string[] {
  const { review, errors } = result.suppressions;
  const items: string[] = [];
  for (const s of review.expiringSoon.slice(0, MAX_LISTED_SUPPRESSIONS)) {
    items.push(
      `- ⏳ ${code(s.id)} expires ${s.expires?.toISOString().slice(0, 10)}: ${escapeMarkdown(s.justification)}`,
    );
  }
  for (const s of review.stale.slice(0, MAX_LISTED_SUPPRESSIONS)) {
    items.push(`- 💤 ${code(s.id)} matched nothing in this analysis (stale)`);
  }
  const hidden =
    Math.max(0, review.expiringSoon.length - MAX_LISTED_SUPPRESSIONS) +
    Math.max(0, review.stale.length - MAX_LISTED_SUPPRESSIONS);
  if (hidden > 0) items.push(`- … and ${hidden} more`);
  for (const issue of errors.slice(0, MAX_LISTED_SUPPRESSIONS))
    items.push(`- ⚠️ not applied: ${escapeMarkdown(issue.message)}`);
  return items.length === 0 ? [] : ["### Suppressions", "", ...items, ""];
}

const MAX_APPLIED_SUPPRESSIONS = 20;
const MAX_HIDDEN_PER_SUPPRESSION = 10;
const MAX_SUPPRESSION_TEXT = 200;

/**
 * What a passing gate accepted: the suppressions that applied in this analysis (id, scope,
 * reason, author, expiry) with the findings each one hid, and the ones to look at (expiring
 * within 7 days ⏳, matching nothing 💤), collapsed in one `<details>` section for the sticky
 * comment and the check-run summaries (`stream`: only that stream's). Capped lists.
 */
export function appliedSuppressionsSection(result: AnalysisResult, stream?: StreamName): string[] {
  const streams = stream ? [stream] : STREAMS;
  const hidden = new Map<string, ReportedFinding[]>();
  for (const name of streams) {
    for (const finding of result.streams[name].findings) {
      if (!finding.suppressed || finding.suppressionId === null) continue;
      hidden.set(finding.suppressionId, [...(hidden.get(finding.suppressionId) ?? []), finding]);
    }
  }
  const { review, considered } = result.suppressions;
  const expiring = new Set(review.expiringSoon.map((s) => s.id));
  const stale = new Set(review.stale.map((s) => s.id));
  const inScope = (s: Suppression) => stream === undefined || s.stream === null || s.stream === stream;
  const applied = considered.filter((s) => hidden.has(s.id));
  const idle = considered.filter((s) => !hidden.has(s.id) && stale.has(s.id) && inScope(s));
  if (applied.length === 0 && idle.length === 0) return [];

  const hiddenCount = [...hidden.values()].reduce((sum, list) => sum + list.length, 0);
  const flags = [applied.concat(idle).filter((s) => expiring.has(s.id)).length, idle.length];
  const summary = [
    `${plural(applied.length, "suppression")} applied, hiding ${plural(hiddenCount, "finding")}`,
    flags[0]! > 0 ? `${flags[0]} expiring within 7 days` : null,
    flags[1]! > 0 ? `${flags[1]} stale` : null,
  ]
    .filter((part) => part !== null)
    .join(" · ");

  const lines = [
    `<details><summary>Suppressions: ${summary}</summary>`,
    "",
    "| | Suppression | Scope | Reason | Author | Expires | Hid |",
    "|---|---|---|---|---|---|---:|",
  ];
  const listed = [...applied, ...idle];
  for (const s of listed.slice(0, MAX_APPLIED_SUPPRESSIONS)) {
    const flag = expiring.has(s.id) ? "⏳" : stale.has(s.id) ? "💤" : "";
    lines.push(
      `| ${flag} | ${code(s.id)} | ${suppressionScope(s)} | ${escapeMarkdown(truncateChars(s.justification, MAX_SUPPRESSION_TEXT))} | ${s.author ? escapeMarkdown(s.author) : "—"} | ${suppressionExpiry(s)} | ${hidden.get(s.id)?.length ?? 0} |`,
    );
  }
  if (listed.length > MAX_APPLIED_SUPPRESSIONS)
    lines.push("", `_… and ${listed.length - MAX_APPLIED_SUPPRESSIONS} more._`);
  for (const s of applied.slice(0, MAX_APPLIED_SUPPRESSIONS)) {
    const findings = hidden.get(s.id) ?? [];
    lines.push("", `Hidden by ${code(s.id)}:`, "");
    for (const f of findings.slice(0, MAX_HIDDEN_PER_SUPPRESSION)) {
      lines.push(
        `- ${f.status === "new" ? "**new** " : ""}${code(f.rule)} ${code(location(f))} ${escapeMarkdown(truncateChars(f.message, MAX_SUPPRESSION_TEXT))} (${code(f.id)})`,
      );
    }
    if (findings.length > MAX_HIDDEN_PER_SUPPRESSION)
      lines.push(`- … and ${findings.length - MAX_HIDDEN_PER_SUPPRESSION} more`);
  }
  if (idle.length > 0)
    lines.push("", "💤 matched nothing in this analysis (stale): remove it, or check its pattern.");
  if (flags[0]! > 0)
    lines.push("", "⏳ expires within 7 days: renew it with a reason, or fix what it hides.");
  lines.push("", "</details>", "");
  return lines;
}

function suppressionScope(s: Suppression): string {
  const parts = [`${s.level} ${code(s.pattern)}`];
  if (s.patternType !== "glob") parts.push(`(${s.patternType})`);
  if (s.rule) parts.push(`rule ${code(s.rule)}`);
  if (s.threshold !== null) parts.push(`≤ ${s.threshold}`);
  parts.push(`· ${s.source}`);
  return parts.join(" ");
}

function suppressionExpiry(s: Suppression): string {
  if (s.permanent || s.expires === null) return "permanent";
  return s.expires.toISOString().slice(0, 10);
}

export function configChangeSection(changes: readonly string[] | undefined): string[] {
  if (!changes || changes.length === 0) return [];
  const items = changes.slice(0, MAX_LISTED_NOTICES).map((change) => `- ${escapeMarkdown(change)}`);
  if (changes.length > MAX_LISTED_NOTICES) items.push(`- … and ${changes.length - MAX_LISTED_NOTICES} more`);
  return ["### Config changes in this pull request", "", ...items, ""];
}

export function noticeSection(result: AnalysisResult): string[] {
  if (result.notices.length === 0) return [];
  const items = result.notices.slice(0, MAX_LISTED_NOTICES).map((n) => {
    const where = n.file ? `${code(n.line ? `${n.file}:${n.line}` : n.file)}: ` : "";
    return `- ${where}${escapeMarkdown(truncateChars(n.message, MAX_MESSAGE_CHARS))}`;
  });
  if (result.notices.length > MAX_LISTED_NOTICES) {
    items.push(`- … and ${plural(result.notices.length - MAX_LISTED_NOTICES, "more notice")}`);
  }
  return ["<details><summary>Notices</summary>", "", ...items, "", "</details>", ""];
}

function explanationSection(explanations: ReadonlyMap<string, string> | undefined): string[] {
  if (!explanations || explanations.size === 0) return [];
  const lines = ["### Explanations", ""];
  for (const [id, text] of explanations) {
    lines.push(`<details><summary>${code(id)}</summary>`, "", escapeMarkdown(text), "", "</details>", "");
  }
  return lines;
}

/** Inline code that survives backticks and pipes inside the text. */
export function code(text: string): string {
  return codeSpan(text, true);
}
