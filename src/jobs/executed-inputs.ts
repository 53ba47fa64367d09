/**
 * What the BDV stream's executed-results judgement reads from the database for one analysis:
 * the commit's result reports and scenario results, their history, the active quarantines
 * (expired ones are swept and audited first) and when the commit was first analysed.
 */
import { type ExecutedInput, FLAKE_WINDOW } from "../core/bdv/results/judge.ts";
import type { MaestroConfig } from "../core/config/schema.ts";
import {
  expireQuarantines,
  firstAnalysedAt,
  historyOf,
  listQuarantines,
  reportsOf,
  resultsOf,
} from "../store/bdv-results.ts";
import type { Job } from "./analysis-job-model.ts";

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "30m", "2h", "1d" → milliseconds (the config schema admits only these). */
export function timeoutMs(text: string): number {
  const match = /^(\d+)\s*([mhd])$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a duration such as 30m, 2h or 1d`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

export async function loadExecuted(job: Job, config: MaestroConfig): Promise<ExecutedInput | null> {
  const bdv = config.bdv;
  if (!bdv || bdv.results.length === 0) return null;
  const { db } = job.context;
  const now = job.context.now();
  const head = job.trigger.headSha;
  await expireQuarantines(db, job.fullName, {
    now,
    actor: "maestro-hive",
    chain: job.context.installationId ?? 0,
    prNumber: job.pr?.number ?? null,
  });
  const results = await resultsOf(db, job.fullName, head);
  const ids = [...new Set(results.map((result) => result.id))];
  return {
    sources: bdv.results,
    timeoutMs: timeoutMs(bdv.resultsTimeout),
    since: (await firstAnalysedAt(db, job.fullName, head)) ?? now,
    now,
    reports: await reportsOf(db, job.fullName, head),
    results,
    history: await historyOf(db, job.fullName, ids, head, FLAKE_WINDOW),
    quarantines: await listQuarantines(db, job.fullName),
  };
}
