/**
 * A baseline: one violation-level suppression per finding a config produces today, added to
 * the config text with its comments kept, so adopting the rules does not fail the first pull
 * request and every accepted finding stays listed, justified and expiring.
 */
import { isMap, isSeq, parseDocument } from "yaml";
import type { Finding, StreamName } from "../findings.ts";

export const BASELINE_DAYS = 90;

export function withBaseline(configText: string, findings: readonly Finding[], now: Date): string {
  const document = parseDocument(configText);
  const expires = new Date(now.getTime() + BASELINE_DAYS * 86_400_000).toISOString().slice(0, 10);
  const today = now.toISOString().slice(0, 10);
  const byStream = new Map<StreamName, Finding[]>();
  for (const finding of findings)
    byStream.set(finding.stream, [...(byStream.get(finding.stream) ?? []), finding]);
  for (const [stream, members] of byStream) {
    const seen = new Set<string>();
    const entries = members
      .filter((finding) => !seen.has(finding.id) && seen.add(finding.id))
      .map((finding) => ({
        id: `baseline-${finding.id}`,
        level: "violation",
        pattern: finding.id,
        patternType: "exact",
        rule: finding.rule,
        expires,
        justification: `present when maestro-hive was adopted (${today}): ${finding.rule}${finding.file ? ` in ${finding.file}` : ""}`,
      }));
    let section = document.get(stream, true);
    if (!isMap(section)) {
      section = document.createNode({});
      document.set(stream, section);
    }
    if (isMap(section)) section.flow = false;
    const existing = document.getIn([stream, "suppressions"], true);
    if (isSeq(existing)) {
      existing.flow = false;
      for (const entry of entries) existing.add(document.createNode(entry));
    } else document.setIn([stream, "suppressions"], document.createNode(entries));
  }
  return document.toString({ lineWidth: 0 });
}
