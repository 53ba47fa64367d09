/**
 * Cucumber JSON: cucumber-js's `json` formatter, pytest-bdd's `--cucumberjson` and behave's `json`
 * formatter (behave's dialect: `location` "path:line" instead of `uri`/`line`, tags without "@",
 * durations in seconds, outline rows named "Name -- @1.2 …"). Durations elsewhere are nanoseconds.
 */
import { z } from "zod";
import {
  boundedError,
  MAX_SCENARIOS_PER_REPORT,
  makeResult,
  type ReadResults,
  type ScenarioResult,
  scenarioStatus,
  withAt,
} from "./model.ts";

const tag = z.union([z.string(), z.object({ name: z.string() }).loose()]);
const step = z
  .object({
    keyword: z.string().optional(),
    name: z.string().optional(),
    result: z
      .object({
        status: z.string(),
        duration: z.number().optional(),
        error_message: z.string().optional(),
      })
      .loose()
      .optional(),
  })
  .loose();
const element = z
  .object({
    name: z.string().default(""),
    type: z.string().optional(),
    keyword: z.string().optional(),
    id: z.string().optional(),
    line: z.number().optional(),
    location: z.string().optional(),
    status: z.string().optional(),
    tags: z.array(tag).optional(),
    steps: z.array(step).optional(),
  })
  .loose();
const feature = z
  .object({
    uri: z.string().optional(),
    location: z.string().optional(),
    name: z.string().default(""),
    tags: z.array(tag).optional(),
    elements: z.array(element).default([]),
  })
  .loose();
const report = z.array(feature);

type Feature = z.infer<typeof feature>;
type Element = z.infer<typeof element>;

export function readCucumberJson(file: string, text: string): ReadResults {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { results: [], problems: [`${file}: not JSON (${(error as Error).message})`] };
  }
  const checked = report.safeParse(parsed);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    return {
      results: [],
      problems: [`${file}: not a Cucumber JSON report (${issue?.path.join(".")}: ${issue?.message})`],
    };
  }
  const results: ScenarioResult[] = [];
  const problems: string[] = [];
  for (const featureEntry of checked.data) {
    for (const entry of featureEntry.elements) {
      if (entry.type === "background" || entry.keyword === "Background") continue;
      if (results.length >= MAX_SCENARIOS_PER_REPORT) {
        problems.push(`${file}: more than ${MAX_SCENARIOS_PER_REPORT} scenarios; the rest is not read`);
        return { results, problems };
      }
      results.push(scenarioOf(featureEntry, entry));
    }
  }
  return { results, problems };
}

function tagNames(tags: Feature["tags"]): string[] {
  return (tags ?? []).map((entry) => withAt(typeof entry === "string" ? entry : entry.name));
}

function pathOf(location: string | undefined): string | null {
  if (!location) return null;
  const colon = location.lastIndexOf(":");
  return colon > 0 ? location.slice(0, colon) : location;
}

function scenarioOf(featureEntry: Feature, entry: Element): ScenarioResult {
  const behave = entry.location !== undefined && featureEntry.uri === undefined;
  const path =
    featureEntry.uri ?? pathOf(featureEntry.location) ?? pathOf(entry.location) ?? featureEntry.name;
  const steps = entry.steps ?? [];
  // behave leaves the steps after a failed or skipped one without a result: they did not run.
  const statuses = steps.map((s) => s.result?.status ?? "skipped");
  const failed = steps.find((s) => s.result && scenarioStatus([s.result.status]) === "failed");
  const durations = steps.flatMap((s) => (s.result?.duration === undefined ? [] : [s.result.duration]));
  const total = durations.reduce((sum, value) => sum + value, 0);
  const { name, example } = nameAndExample(entry, behave);
  // cucumber-js repeats the feature's tags on each scenario; a set keeps them once.
  const tags = [...new Set([...tagNames(featureEntry.tags), ...tagNames(entry.tags)])];
  const status =
    entry.status && behave && statuses.length === 0
      ? scenarioStatus([entry.status])
      : scenarioStatus(statuses);
  return makeResult({
    feature: path,
    name,
    example,
    status,
    durationMs: durations.length === 0 ? null : behave ? total * 1000 : total / 1e6,
    error:
      status === "failed"
        ? boundedError(
            failed?.result?.error_message ?? `step "${failed?.name ?? "?"}" ${failed?.result?.status}`,
          )
        : null,
    tags,
    retries: [],
  });
}

/**
 * The outline row: behave names it in the scenario ("Discounts -- @1.2 Examples"), pytest-bdd in the
 * test id ("test_discounts[figs-2-3]"), cucumber-js only by the row's line.
 */
function nameAndExample(entry: Element, behave: boolean): { name: string; example: string | null } {
  const outline = /outline|template/i.test(entry.keyword ?? "");
  if (behave) {
    const match = /^(.*?) -- (@\d+\.\d+)(?: .*)?$/.exec(entry.name.trimEnd());
    if (match) return { name: match[1]!, example: match[2]! };
    return { name: entry.name, example: null };
  }
  const param = /\[(.+)\]$/.exec(entry.id ?? "");
  if (param && !(entry.id ?? "").includes(";")) return { name: entry.name, example: param[1]! };
  if (outline) return { name: entry.name, example: entry.line === undefined ? null : `line ${entry.line}` };
  return { name: entry.name, example: null };
}
