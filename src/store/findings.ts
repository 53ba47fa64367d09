/**
 * Findings as the pull request's latest completed analysis stored them: what `explain`
 * describes and what `suppress <finding-id>` must name (a typo would otherwise become a
 * suppression that matches nothing). The analysis job writes them (analysis-runs.ts).
 */
import type { Db } from "./db.ts";

/** A finding as the findings table stores it (stream and severity as text). */
export interface StoredFinding {
  readonly id: string;
  readonly stream: string;
  readonly rule: string;
  readonly type: string;
  readonly severity: string;
  readonly file: string | null;
  readonly line: number | null;
  readonly target: string | null;
  readonly message: string;
}

/** A stored finding with its state on the run that found it. */
export interface RunFinding extends StoredFinding {
  readonly status: string;
  readonly suppressed: boolean;
  readonly suppressionId: string | null;
}

export interface LatestRun {
  readonly runId: number;
  readonly headSha: string;
  /** The run's analysis key (an override is bound to it). */
  readonly analysisKey: string;
  readonly finishedAt: Date | null;
}

/** The latest completed analysis of the PR, preferring one of `headSha` (the current head). */
export async function latestRun(
  db: Db,
  repository: string,
  prNumber: number,
  headSha: string | null,
): Promise<LatestRun | null> {
  const rows = await db
    .selectFrom("analysis_runs")
    .select(["id", "head_sha", "analysis_key", "finished_at"])
    .where("repository", "=", repository)
    .where("pr_number", "=", prNumber)
    .where("status", "=", "completed")
    .orderBy("id", "desc")
    .limit(20)
    .execute();
  const row = rows.find((r) => r.head_sha === headSha) ?? rows[0];
  return row
    ? {
        runId: row.id,
        headSha: row.head_sha,
        analysisKey: row.analysis_key,
        finishedAt: row.finished_at ? new Date(row.finished_at) : null,
      }
    : null;
}

export async function findingOfRun(db: Db, runId: number, findingId: string): Promise<RunFinding | null> {
  const row = await db
    .selectFrom("findings")
    .selectAll()
    .where("analysis_run_id", "=", runId)
    .where("finding_id", "=", findingId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.finding_id,
    stream: row.stream,
    rule: row.rule,
    type: row.type,
    severity: row.severity,
    file: row.file,
    line: row.line,
    target: row.target,
    message: row.message,
    status: row.status,
    suppressed: row.suppressed,
    suppressionId: row.suppression_id,
  };
}
