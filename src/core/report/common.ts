/** Small helpers shared by the report formats. */
import type { ChainHop, Finding, StreamName } from "../findings.ts";

export const STREAM_TITLES: Readonly<Record<StreamName, string>> = {
  acc: "ACC — architecture",
  bdv: "BDV — behaviour contracts",
  dde: "DDE — delivery process",
};

/** `file:line`, `file`, or `(no file)`. */
export function location(finding: Pick<Finding, "file" | "line">): string {
  if (finding.file === null) return "(no file)";
  return finding.line === null ? finding.file : `${finding.file}:${finding.line}`;
}

/** Cuts `text` to at most `maxBytes` UTF-8 bytes (never inside a character), ending with `suffix` when cut. */
export function truncateUtf8(text: string, maxBytes: number, suffix = "…"): string {
  const encoder = new TextEncoder();
  if (encoder.encode(text).byteLength <= maxBytes) return text;
  const budget = maxBytes - encoder.encode(suffix).byteLength;
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const size = encoder.encode(char).byteLength;
    if (bytes + size > budget) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end) + suffix;
}

/** Cuts `text` to at most `max` characters (UTF-16 code units, GitHub's counting), never inside a surrogate pair. */
export function truncateChars(text: string, max: number, suffix = "…"): string {
  if (text.length <= max) return text;
  let end = max - suffix.length;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return text.slice(0, end) + suffix;
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** `a.ts:3 → x.ts:5 → b.ts`: where each hop of an indirect import imports the next. */
export function chainText(chain: readonly ChainHop[]): string {
  if (chain.length === 0) return "";
  return [...chain.map((hop) => `${hop.file}:${hop.line}`), chain[chain.length - 1]!.target].join(" → ");
}

/** `a, b, c … and 7 more` */
export function membersText(members: readonly string[], max = 20): string {
  const shown = members.slice(0, max).join(", ");
  return members.length > max ? `${shown} … and ${members.length - max} more` : shown;
}

/** The lines a report adds under a finding: its chain and its cycle members, when it has them. */
export function findingExtras(finding: Pick<Finding, "chain" | "members">, maxMembers = 20): string[] {
  const lines: string[] = [];
  if (finding.chain && finding.chain.length > 0) lines.push(`via ${chainText(finding.chain)}`);
  if (finding.members && finding.members.length > 0)
    lines.push(`members (${finding.members.length}): ${membersText(finding.members, maxMembers)}`);
  return lines;
}
