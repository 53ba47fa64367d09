/**
 * The app's replies to comment commands. Everything a user wrote (reasons, patterns, ids,
 * the parser's messages quoting them) is echoed inert: in a code span (no markdown, no
 * HTML, no @-mention) or escaped text (markdown and HTML escaped, `@` defused), never raw.
 * What is stored stays verbatim; only the echo is escaped.
 */
import { stringify } from "yaml";
import { codeSpan, escapeMarkdown } from "../../core/report/escape.ts";
import type { Suppression } from "../../core/suppress/index.ts";
import type { RunFinding } from "../../store/findings.ts";

/** Each command's usage line, description and who may run it (the table in table.ts). */
export type UsageTable = Readonly<
  Record<string, { readonly usage: string; readonly description: string; readonly requires: string }>
>;

/** Marks the app's command replies (the app ignores its own comments anyway). */
export const REPLY_MARKER = "<!-- maestro-hive:command-reply -->";
/** GitHub refuses comment bodies over 65,536 characters. */
const MAX_BODY = 60_000;

/** Escaped text for running prose (one line). */
export function text(value: string): string {
  return escapeMarkdown(value);
}

export { codeSpan } from "../../core/report/escape.ts";

/** A fenced block that no backtick run inside the value can close. */
export function codeBlock(value: string, language = ""): string {
  const longest = Math.max(2, ...(value.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${language}\n${value.replace(/\n+$/, "")}\n${fence}`;
}

/** Model output and other free markdown: mentions and raw HTML defused, markdown kept. */
export function defusedMarkdown(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/@/g, "@\u200b");
}

export function reply(body: string): string {
  const full = `${REPLY_MARKER}\n${body}\n`;
  return full.length <= MAX_BODY ? full : `${full.slice(0, MAX_BODY)}\n\n…(cut: the reply was too long)\n`;
}

/** The usage lines of `names` (default: every command), as a code block. */
export function usageBlock(commands: UsageTable, names: readonly string[] = Object.keys(commands)): string {
  return codeBlock(names.map((name) => commands[name]?.usage ?? name).join("\n"));
}

export function helpReply(commands: UsageTable, topic: string | null): string {
  const entry = topic === null ? undefined : commands[topic];
  if (topic !== null && entry) {
    return reply(`**${entry.usage}**\n\n${entry.description}.\n\n${usageBlock(commands, [topic])}`);
  }
  const lines = Object.values(commands).map(
    (command) => `- ${codeSpan(command.usage)}: ${command.description}`,
  );
  return reply(
    [
      "**Maestro Hive commands** (start a comment with one; only its first line is read):",
      "",
      ...lines,
      "",
      `${whoMay(commands)} (configurable in \`gate.commandRoles\` and \`gate.overrideRoles\` of the default branch's \`.github/maestro-hive.yml\`). Quote reasons with spaces: \`--reason "…"\`.`,
    ].join("\n"),
  );
}

/** "`suppress`, `unsuppress` and `recheck` need write access or more, `override` admin access" from the table. */
function whoMay(commands: UsageTable): string {
  const names = (requires: string) =>
    Object.entries(commands)
      .filter(([, command]) => command.requires === requires)
      .map(([name]) => `\`${name}\``);
  const list = (items: readonly string[]) =>
    items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
  const command = names("command");
  const override = names("override");
  return `${list(command)} need${command.length === 1 ? "s" : ""} write access or more, ${list(override)} admin access`;
}

export function invalidReply(commands: UsageTable, error: string, command: string | null): string {
  const names = command ? [command] : Object.keys(commands);
  return reply(
    `😕 I could not run that command: ${text(error)}.\n\nUsage:\n\n${usageBlock(commands, names)}`,
  );
}

export function refusedReply(reason: string): string {
  return reply(`😕 Not done: ${text(reason)}. Nothing was changed.`);
}

export function rejectedReply(problems: readonly string[]): string {
  const list = problems.map((problem) => `- ${text(problem)}`).join("\n");
  return reply(`😕 Not done, nothing was changed:\n\n${list}`);
}

export function describeScope(suppression: Pick<Suppression, "level" | "pattern" | "rule">): string {
  const what =
    suppression.level === "violation"
      ? `finding ${codeSpan(suppression.pattern)}`
      : suppression.level === "rule"
        ? `every finding of rule ${codeSpan(suppression.pattern)}`
        : suppression.level === "file"
          ? `findings in files matching ${codeSpan(suppression.pattern)}`
          : `findings under directories matching ${codeSpan(suppression.pattern)}`;
  return suppression.rule ? `${what} (rule ${codeSpan(suppression.rule)})` : what;
}

function expiry(suppression: Pick<Suppression, "permanent" | "expires">): string {
  if (suppression.permanent) return "permanent";
  return suppression.expires ? suppression.expires.toISOString().slice(0, 10) : "never";
}

export function suppressedReply(suppression: Suppression, warnings: readonly string[]): string {
  const until = suppression.permanent ? "permanently" : `until ${expiry(suppression)}`;
  const lines = [
    `👍 Suppressed ${describeScope(suppression)} in this repository ${until}, as ${codeSpan(suppression.id)}.`,
    "",
    `Reason: ${text(suppression.justification)}`,
    "",
    `The checks of this pull request are re-running. To undo: ${codeSpan(`/maestro unsuppress ${suppression.id}`)}`,
  ];
  if (warnings.length > 0) lines.push("", "Warnings:", ...warnings.map((warning) => `- ${text(warning)}`));
  return reply(lines.join("\n"));
}

export function unsuppressedReply(suppression: Suppression): string {
  return reply(
    `👍 Removed ${codeSpan(suppression.id)} (${describeScope(suppression)}). The checks of this pull request are re-running.`,
  );
}

export function overrideReply(headSha: string, reason: string): string {
  return reply(
    [
      `👍 The gate is overridden for ${codeSpan(headSha.slice(0, 7))} (the current head). A new push ends the override.`,
      "",
      `Reason: ${text(reason)}`,
    ].join("\n"),
  );
}

export const MAX_LISTED = 100;

export function suppressionsReply(list: readonly Suppression[], total: number): string {
  if (list.length === 0) return reply("There are no active suppressions in this repository.");
  const rows = list.map((s) =>
    [
      codeSpan(s.id, true),
      describeScope(s).replace(/\|/g, "\\|"),
      expiry(s),
      text(s.justification),
      s.author ? codeSpan(s.author, true) : "",
      s.source,
      String(s.useCount),
    ].join(" | "),
  );
  const more = total > list.length ? `\n\n…and ${total - list.length} more.` : "";
  return reply(
    [
      `**Active suppressions (${total})**`,
      "",
      "| id | suppresses | expires | reason | author | source | uses |",
      "|---|---|---|---|---|---|---|",
      ...rows.map((row) => `| ${row} |`),
    ].join("\n") + more,
  );
}

export function explainReply(
  finding: RunFinding,
  ruleConfig: unknown,
  explanation: string | null,
  noAiBecause: string | null = null,
): string {
  const where = finding.file ? `${finding.file}${finding.line ? `:${finding.line}` : ""}` : null;
  const lines = [
    `**Finding ${codeSpan(finding.id)}** — ${finding.stream.toUpperCase()} rule ${codeSpan(finding.rule)} (${text(finding.type)}, ${text(finding.severity)}, ${text(finding.status)}${finding.suppressed ? `, suppressed by ${codeSpan(finding.suppressionId ?? "?")}` : ""})`,
    "",
    text(finding.message),
  ];
  if (where)
    lines.push("", `Where: ${codeSpan(where)}${finding.target ? ` → ${codeSpan(finding.target)}` : ""}`);
  if (ruleConfig !== undefined && ruleConfig !== null) {
    lines.push(
      "",
      "The rule in the default branch's config:",
      "",
      codeBlock(stringify(ruleConfig).trimEnd(), "yaml"),
    );
  }
  if (explanation) lines.push("", "**Explanation**", "", defusedMarkdown(explanation));
  if (noAiBecause) lines.push("", `_No AI explanation: ${noAiBecause}_`);
  lines.push("", `To accept it: ${codeSpan(`/maestro suppress ${finding.id} --reason "…"`)}`);
  return reply(lines.join("\n"));
}
