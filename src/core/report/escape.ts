/**
 * The one way user-controlled text (paths, messages, rule ids, names, reasons) enters GitHub
 * Markdown: check-run titles and summaries, the sticky comment and command replies. Either
 * escaped as prose, or shown verbatim in a code span that no backtick in the value can close.
 */

/**
 * Escapes text for a table cell or a paragraph: no HTML, no table breaks, no mentions,
 * no links or images, no emphasis surprises, one line.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r?\n|\r/g, " ")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/([\\`*_{}[\]()#+!|~])/g, "\\$1")
    .replace(/@/g, "@\u200b");
}

/** A code span that survives backticks in the value; `table` escapes pipes for a table cell. */
export function codeSpan(value: string, table = false): string {
  let clean = value.replace(/\r?\n|\r/g, " ");
  if (table) clean = clean.replace(/\|/g, "\\|");
  if (clean === "") return "` `";
  const longest = Math.max(0, ...(clean.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = clean.startsWith("`") || clean.endsWith("`") || clean.startsWith(" ") ? " " : "";
  return `${fence}${pad}${clean}${pad}${fence}`;
}
