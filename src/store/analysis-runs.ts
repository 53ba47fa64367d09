/**
 * analysis_runs, findings and overrides as the analysis job uses them. One row per
 * (repository, head SHA, analysis key): push, check_suite and synchronize all fire for one
 * commit, and only the first claims the analysis (a forced re-run claims it again). The key
 * (analysisKey) hashes the config that governs the analysis and the commit it is compared
 * with, so the same head under another config or against another base is analysed again.
 */
import { createHash } from "node:crypto";
import { type Kysely, sql } from "kysely";
import type { AnalysisResult } from "../core/analysis-result.ts";
import type { GateOverride } from "../core/gate.ts";
import { STREAMS } from "../core/gate.ts";
import { canonicalJson } from "./canonical-json.ts";
import type { AnalysisRun, Database } from "./schema.ts";

export interface ClaimRequest {
  readonly repository: string;
  readonly headSha: string;
  /** analysisKey(config, compared commit). */
  readonly analysisKey: string;
  readonly prNumber: number | null;
  readonly deliveryId: string;
  readonly force: boolean;
  readonly at: Date;
}

/**
 * `fresh` is true when this claim created the row: no earlier attempt of this commit can
 * have left check runs behind, so there is nothing on GitHub to clean up.
 */
export type Claim =
  | { readonly claimed: true; readonly run: AnalysisRun; readonly fresh: boolean }
  | { readonly claimed: false; readonly run: AnalysisRun };

/** The key of an analysis: the governing config (as loaded, errors included) and the compared commit. */
export function analysisKey(config: unknown, comparedWith: string | null): string {
  return createHash("sha256").update(canonicalJson({ config, comparedWith })).digest("hex");
}

export async function claimAnalysis(db: Kysely<Database>, request: ClaimRequest): Promise<Claim> {
  const inserted = await db
    .insertInto("analysis_runs")
    .values({
      repository: request.repository,
      head_sha: request.headSha,
      analysis_key: request.analysisKey,
      pr_number: request.prNumber,
      delivery_id: request.deliveryId,
      status: "queued",
      created_at: request.at,
    })
    .onConflict((oc) => oc.columns(["repository", "head_sha", "kind", "analysis_key"]).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { claimed: true, run: inserted, fresh: true };
  const existing = await db
    .selectFrom("analysis_runs")
    .selectAll()
    .where("repository", "=", request.repository)
    .where("head_sha", "=", request.headSha)
    .where("kind", "=", "analysis")
    .where("analysis_key", "=", request.analysisKey)
    .executeTakeFirstOrThrow();
  const retryOfSameDelivery = existing.delivery_id === request.deliveryId;
  const reusable = existing.status === "failed" || existing.status === "superseded";
  // A branch-only analysis does not post the pull request's comment: a later PR event redoes it.
  const upgrade = existing.status === "completed" && existing.pr_number === null && request.prNumber !== null;
  if (!(request.force || retryOfSameDelivery || reusable || upgrade))
    return { claimed: false, run: existing };
  const run = await db
    .updateTable("analysis_runs")
    .set({
      status: "queued",
      delivery_id: request.deliveryId,
      pr_number: request.prNumber ?? existing.pr_number,
      error: null,
      verdict: null,
      finished_at: null,
    })
    .where("id", "=", existing.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await db.deleteFrom("findings").where("analysis_run_id", "=", existing.id).execute();
  return { claimed: true, run, fresh: false };
}

/**
 * True when another pull request event of the same PR, received after this delivery, is
 * about a different head: this delivery's commit is already outdated.
 */
export async function newerHeadExists(
  db: Kysely<Database>,
  repository: string,
  prNumber: number,
  headSha: string,
  deliveryId: string,
): Promise<string | null> {
  const row = await db
    .selectFrom("analysis_runs as r")
    .innerJoin("deliveries as d", "d.delivery_id", "r.delivery_id")
    .select("r.head_sha")
    .where("r.repository", "=", repository)
    .where("r.pr_number", "=", prNumber)
    .where("r.head_sha", "<>", headSha)
    .where(
      "d.received_at",
      ">",
      db.selectFrom("deliveries").select("received_at").where("delivery_id", "=", deliveryId),
    )
    .orderBy("d.received_at", "desc")
    .executeTakeFirst();
  return row?.head_sha ?? null;
}

/** Marks queued or running analyses of other heads of the PR superseded; returns their head SHAs. */
export async function supersedeOlder(
  db: Kysely<Database>,
  repository: string,
  prNumber: number,
  headSha: string,
  at: Date,
): Promise<string[]> {
  const rows = await db
    .updateTable("analysis_runs")
    .set({ status: "superseded", error: `superseded by ${headSha}`, finished_at: at })
    .where("repository", "=", repository)
    .where("pr_number", "=", prNumber)
    .where("head_sha", "<>", headSha)
    .where("status", "in", ["queued", "running"])
    .returning("head_sha")
    .execute();
  return rows.map((row) => row.head_sha);
}

/** Our claim starts running (unless a newer analysis superseded it meanwhile). */
export async function markRunning(
  db: Kysely<Database>,
  runId: number,
  deliveryId: string,
  at: Date,
): Promise<void> {
  await db
    .updateTable("analysis_runs")
    .set({ status: "running", started_at: at })
    .where("id", "=", runId)
    .where("delivery_id", "=", deliveryId)
    .where("status", "=", "queued")
    .execute();
}

export async function setBaseSha(db: Kysely<Database>, runId: number, baseSha: string | null): Promise<void> {
  await db.updateTable("analysis_runs").set({ base_sha: baseSha }).where("id", "=", runId).execute();
}

/** The run as it is now; a run another delivery claimed since, or superseded, is no longer ours. */
export async function stillOurs(
  db: Kysely<Database>,
  runId: number,
  deliveryId: string,
): Promise<{ ours: true } | { ours: false; reason: string }> {
  const row = await db
    .selectFrom("analysis_runs")
    .select(["status", "delivery_id", "error"])
    .where("id", "=", runId)
    .executeTakeFirst();
  if (!row) return { ours: false, reason: "the analysis record is gone" };
  if (row.status === "superseded") return { ours: false, reason: row.error ?? "superseded" };
  if (row.delivery_id !== deliveryId)
    return { ours: false, reason: "superseded by a newer analysis of this commit" };
  return { ours: true };
}

export interface FinishRun {
  readonly status: "completed" | "failed";
  readonly verdict: string | null;
  readonly timings?: Record<string, number> | null;
  readonly error?: string | null;
  readonly at: Date;
}

export async function finishRun(db: Kysely<Database>, runId: number, finish: FinishRun): Promise<void> {
  await db
    .updateTable("analysis_runs")
    .set({
      status: finish.status,
      verdict: finish.verdict,
      timings: finish.timings ? JSON.stringify(finish.timings) : null,
      error: finish.error ?? null,
      finished_at: finish.at,
    })
    .where("id", "=", runId)
    .execute();
}

/** Replaces the run's findings with the result's (head findings of every stream). */
export async function saveFindings(
  db: Kysely<Database>,
  runId: number,
  result: AnalysisResult,
): Promise<number> {
  await db.deleteFrom("findings").where("analysis_run_id", "=", runId).execute();
  const seen = new Set<string>();
  const rows = [];
  for (const name of STREAMS) {
    for (const f of result.streams[name].findings) {
      if (seen.has(f.id)) continue;
      seen.add(f.id);
      rows.push({
        analysis_run_id: runId,
        finding_id: f.id,
        stream: f.stream,
        rule: f.rule,
        type: f.type,
        severity: f.severity,
        file: f.file,
        line: f.line,
        target: f.target,
        message: f.message,
        status: f.status,
        suppressed: f.suppressed,
        suppression_id: f.suppressionId ?? null,
      });
    }
  }
  for (let i = 0; i < rows.length; i += 200) {
    await db
      .insertInto("findings")
      .values(rows.slice(i, i + 200))
      .execute();
  }
  return rows.length;
}

/** True once the repository had a completed analysis (its blobs are then in the cache). */
export async function analysedBefore(db: Kysely<Database>, repository: string): Promise<boolean> {
  const row = await db
    .selectFrom("analysis_runs")
    .select(sql<number>`1`.as("one"))
    .where("repository", "=", repository)
    .where("status", "=", "completed")
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The latest override bound to this head commit and analysis key (written by the
 * `/maestro override` command): an override given where another config or base governed the
 * head does not carry over.
 */
export async function overrideFor(
  db: Kysely<Database>,
  repository: string,
  headSha: string,
  analysisKey: string,
): Promise<GateOverride | null> {
  const row = await db
    .selectFrom("overrides")
    .select(["actor", "reason", "head_sha"])
    .where("repository", "=", repository)
    .where("head_sha", "=", headSha)
    .where("analysis_key", "=", analysisKey)
    .orderBy("id", "desc")
    .executeTakeFirst();
  return row ? { actor: row.actor, reason: row.reason, headSha: row.head_sha } : null;
}

export async function setBaseline(
  db: Kysely<Database>,
  repositoryId: number,
  headSha: string,
  at: Date,
): Promise<void> {
  await db
    .updateTable("repositories")
    .set({ baseline_sha: headSha, updated_at: at })
    .where("id", "=", repositoryId)
    .execute();
}
