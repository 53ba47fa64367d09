/**
 * Scenario results from CI artifacts: a zip, the format the config names, one record per scenario.
 * Pure (bytes in, records out).
 */
import { readCucumberJson } from "./cucumber-json.ts";
import { readJunit } from "./junit.ts";
import { readMessages } from "./messages.ts";
import type { ReadResults, ResultFormat, ScenarioResult } from "./model.ts";
import { readZip, type ZipCaps } from "./zip.ts";

export * from "./model.ts";
export { DEFAULT_ZIP_CAPS, type ZipCaps, ZipLimitError } from "./zip.ts";

const EXTENSIONS: Record<ResultFormat, RegExp> = {
  messages: /\.(ndjson|jsonl)$/i,
  "cucumber-json": /\.json$/i,
  junit: /\.xml$/i,
};

/** Reads one report file in the given format. */
export function readReport(format: ResultFormat, file: string, text: string): ReadResults {
  if (format === "messages") return readMessages(file, text);
  if (format === "cucumber-json") return readCucumberJson(file, text);
  return readJunit(file, text);
}

/** Reads every report file of an artifact zip (entries with the format's extension). */
export function readArtifact(
  format: ResultFormat,
  artifact: string,
  zip: Uint8Array,
  caps?: ZipCaps,
): ReadResults {
  const entries = readZip(zip, (name) => EXTENSIONS[format].test(name), caps);
  const decoder = new TextDecoder("utf-8", { fatal: false });
  const results: ScenarioResult[] = [];
  const problems: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const read = readReport(format, `${artifact}/${entry.name}`, decoder.decode(entry.data));
    results.push(...read.results);
    problems.push(...read.problems);
  }
  if (entries.length === 0)
    problems.push(
      `${artifact}: no ${format} report in the artifact (no file matching ${EXTENSIONS[format]})`,
    );
  return { results: dedupe(results), problems };
}

/** A scenario reported twice in one artifact (two report files): the failing record wins. */
function dedupe(results: readonly ScenarioResult[]): ScenarioResult[] {
  const byId = new Map<string, ScenarioResult>();
  for (const result of results) {
    const seen = byId.get(result.id);
    if (!seen || (seen.status !== "failed" && result.status === "failed")) byId.set(result.id, result);
  }
  return [...byId.values()];
}
