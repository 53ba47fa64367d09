/**
 * Scenario results as CI reported them (Cucumber Messages, Cucumber JSON, JUnit XML), reduced to
 * one record per executed scenario. Pure data; the readers in this folder produce it.
 */
import { createHash } from "node:crypto";

export type ScenarioStatus = "passed" | "failed" | "skipped";

export type ResultFormat = "messages" | "cucumber-json" | "junit";

export const RESULT_FORMATS: readonly ResultFormat[] = ["messages", "cucumber-json", "junit"];

export interface ScenarioResult {
  /** Stable id: see scenarioId. */
  readonly id: string;
  /** The feature file's path as the runner reported it (JUnit: the test class, which names no file). */
  readonly feature: string;
  readonly name: string;
  /** The Examples row of an outline, as the format names it; null for a plain scenario. */
  readonly example: string | null;
  readonly status: ScenarioStatus;
  readonly durationMs: number | null;
  /** The first failing step's error, bounded; null unless failed. */
  readonly error: string | null;
  /** Tags with their "@", Feature → Rule → Scenario → Examples. */
  readonly tags: readonly string[];
  /** "Name:vN" of every `@contract:Name:vN` tag. */
  readonly contracts: readonly string[];
  /** Outcomes of earlier tries of this scenario within the same run (cucumber-js `--retry`). */
  readonly retries: readonly ScenarioStatus[];
}

/** What a reader made of one report file. */
export interface ReadResults {
  readonly results: readonly ScenarioResult[];
  /** Problems with the input, each naming the file (and line where known); the rest was still read. */
  readonly problems: readonly string[];
}

/** Bounds on what one report may make us hold. */
export const MAX_SCENARIOS_PER_REPORT = 50_000;
export const MAX_ERROR_CHARS = 2_000;

/**
 * The stable scenario id: a short hash of feature path, scenario name and example row. Stored with
 * every result and used by quarantines; pinned by test/core/bdv/results/readers.test.ts.
 */
export function scenarioId(feature: string, name: string, example: string | null): string {
  return createHash("sha256")
    .update(["scenario", feature, name, example ?? ""].join("\u0000"))
    .digest("hex")
    .slice(0, 12);
}

/** "features/a.feature › Name [row]": how people see a scenario. */
export function scenarioLabel(result: Pick<ScenarioResult, "feature" | "name" | "example">): string {
  return `${result.feature} › ${result.name}${result.example ? ` [${result.example}]` : ""}`;
}

const CONTRACT_TAG = /^@?contract:([^:\s]+):(v\d+)$/i;

export function contractsOfTags(tags: readonly string[]): string[] {
  const contracts = new Set<string>();
  for (const tag of tags) {
    const match = CONTRACT_TAG.exec(tag);
    if (match) contracts.add(`${match[1]}:${match[2]!.toLowerCase()}`);
  }
  return [...contracts].sort();
}

export function withAt(tag: string): string {
  return tag.startsWith("@") ? tag : `@${tag}`;
}

export function boundedError(text: string | null | undefined): string | null {
  if (text === null || text === undefined || text === "") return null;
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
}

/** A scenario's status from its steps' statuses, the way Cucumber's strict mode sees them. */
export function scenarioStatus(stepStatuses: readonly string[]): ScenarioStatus {
  const lower = stepStatuses.map((status) => status.toLowerCase());
  if (lower.some((status) => ["failed", "undefined", "ambiguous", "pending", "error"].includes(status)))
    return "failed";
  if (lower.some((status) => status === "skipped" || status === "untested")) return "skipped";
  return "passed";
}

export function makeResult(fields: Omit<ScenarioResult, "id" | "contracts">): ScenarioResult {
  return {
    id: scenarioId(fields.feature, fields.name, fields.example),
    ...fields,
    contracts: contractsOfTags(fields.tags),
  };
}
