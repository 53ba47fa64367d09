/**
 * The "Executed scenarios" section of the sticky comment and the BDV check run: what CI ran,
 * contract fulfilment, flaky scenarios and quarantines. Every reported text is escaped.
 */
import type { AnalysisResult } from "../analysis-result.ts";
import { escapeMarkdown } from "./markdown.ts";

const MAX_LISTED = 20;

export function executedSection(result: AnalysisResult): string[] {
  const summary = result.executed?.summary;
  if (!summary) return [];
  const lines = ["### Executed scenarios (CI)", ""];
  if (summary.scenarios === 0) {
    lines.push(
      summary.pending.length > 0
        ? `Waiting for ${summary.pending.map((name) => `\`${escapeMarkdown(name)}\``).join(", ")}.`
        : "No scenario results for this commit.",
    );
  } else {
    lines.push(
      `${summary.scenarios} scenarios: ${summary.passed} passed · ${summary.failed} failed · ${summary.skipped} skipped` +
        (summary.quarantinedFailures.length > 0
          ? ` · ${summary.quarantinedFailures.length} failed in quarantine`
          : ""),
    );
  }
  if (summary.missing.length > 0)
    lines.push(
      "",
      `❌ Results missing: ${summary.missing.map((name) => `\`${escapeMarkdown(name)}\``).join(", ")}`,
    );
  if (summary.contracts.length > 0) {
    lines.push("", "| Contract | Fulfilled | Ran | Failed | Quarantined |", "|---|---|---|---|---|");
    for (const contract of summary.contracts.slice(0, MAX_LISTED)) {
      lines.push(
        `| ${escapeMarkdown(contract.contract)} | ${contract.fulfilled ? "✅ yes" : "❌ no"} | ${contract.ran} | ${contract.failed} | ${contract.quarantined} |`,
      );
    }
  }
  if (summary.flaky.length > 0) {
    lines.push("", "**Flaky scenarios**", "");
    for (const flaky of summary.flaky.slice(0, MAX_LISTED)) {
      lines.push(
        `- \`${flaky.id}\` ${escapeMarkdown(flaky.label)}: ${flaky.flips} of ${flaky.comparable} comparable runs flipped (${flaky.rate}%), ${flaky.latest} last${flaky.quarantined ? ", quarantined" : ""}`,
      );
    }
  }
  if (summary.quarantines.length > 0) {
    lines.push("", "**Quarantined scenarios**", "");
    for (const quarantine of summary.quarantines.slice(0, MAX_LISTED)) {
      lines.push(
        `- \`${escapeMarkdown(quarantine.scope)}\` until ${quarantine.expires.toISOString().slice(0, 10)} by @\u200b${escapeMarkdown(quarantine.author)}: ${escapeMarkdown(quarantine.reason)}`,
      );
    }
    if (summary.quarantines.length > MAX_LISTED)
      lines.push(`- … and ${summary.quarantines.length - MAX_LISTED} more`);
  }
  lines.push("");
  return lines;
}
