/**
 * The body of the onboarding pull request: the generated config, what it found on the default
 * branch today (escaped), and how to fix, baseline or suppress it. Kept under GitHub's limit.
 */
import type { AnalysisResult } from "../analysis-result.ts";
import { DEFAULT_CONFIG_PATH } from "../config/default-path.ts";
import type { StarterConfig } from "../config/starter.ts";
import { STREAMS } from "../gate.ts";
import { location, truncateChars } from "./common.ts";
import { code, escapeMarkdown, MAX_MARKDOWN_LENGTH } from "./markdown.ts";

const MAX_LISTED = 50;

export function renderOnboardingBody(starter: StarterConfig, result: AnalysisResult): string {
  const findings = STREAMS.flatMap((name) => result.streams[name].findings.filter((f) => !f.suppressed));
  const lines = [
    "Maestro Hive is installed on this repository, which has no configuration yet. This pull request",
    `adds a starting ${code(DEFAULT_CONFIG_PATH)}, generated from what the default branch shows:`,
    "",
    starter.components.length === 0
      ? "- **Components:** none found (no source folders); name some to add rules between them."
      : `- **Components** (${starter.basis === "packages" ? "one per workspace package" : "one per folder of the source root"}): ${starter.components.map((c) => `${code(c.name)} (${c.files} files)`).join(", ")}`,
    `- **Rules:** ${starter.components.length >= 2 ? `${code("no-component-cycles")} (error), ` : ""}${code("no-file-cycles")} (warning)`,
  ];
  if (starter.featureGlob) lines.push(`- **BDV:** feature files ${code(starter.featureGlob)}`);
  if (starter.adoptable.length > 0)
    lines.push(
      `- **Adopted as they are:** the contracts of ${starter.adoptable.map((path) => code(path)).join(", ")} (${code("acc.adopt: auto")})`,
    );
  lines.push("", `### What this config finds today (${findings.length})`, "");
  if (findings.length === 0) lines.push("Nothing: merging this keeps every check green.");
  else {
    lines.push("| Severity | Rule | Location | Finding | Id |", "|---|---|---|---|---|");
    for (const f of findings.slice(0, MAX_LISTED)) {
      lines.push(
        `| ${f.severity} | ${code(f.rule)} | ${code(location(f))} | ${escapeMarkdown(truncateChars(f.message, 300))} | ${code(f.id)} |`,
      );
    }
    if (findings.length > MAX_LISTED) lines.push("", `_… and ${findings.length - MAX_LISTED} more._`);
    lines.push(
      "",
      "After merging, pull requests are judged on **new** findings only. To accept these as they are,",
      `run ${code("npx maestro-hive init --force --baseline")} on this branch (one expiring suppression per`,
      `finding), suppress by rule or folder under ${code("acc.suppressions")}, or comment`,
      `${code('/maestro suppress rule:ID --reason "…" --expires 30d')} on a pull request.`,
    );
  }
  lines.push(
    "",
    "Until a config exists on the default branch, Maestro Hive's checks are **neutral** (they never",
    "block) and show what this config would find. Closing this pull request without merging is",
    "respected: no other onboarding pull request will be opened.",
  );
  return truncateChars(`${lines.join("\n")}\n`, MAX_MARKDOWN_LENGTH, "\n_… truncated._\n");
}
