/**
 * The check runs this app created on GitHub, per (repository, head SHA, name): so a retried
 * or superseded analysis can complete the ones an earlier attempt left open, and a
 * publication that would show exactly what a completed run already shows is not sent again.
 */
import type { Db } from "./db.ts";

/** Records a run (the latest of its name on the commit); `digest` only for a run completed with an analysis. */
export async function recordCheckRun(
  db: Db,
  repository: string,
  headSha: string,
  name: string,
  id: number,
  status: string,
  digest: string | null = null,
): Promise<void> {
  const now = new Date();
  await db
    .insertInto("check_runs")
    .values({
      repository,
      head_sha: headSha,
      name,
      check_run_id: id,
      status,
      output_digest: digest,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc
        .columns(["repository", "head_sha", "name"])
        .doUpdateSet({ check_run_id: id, status, output_digest: digest, updated_at: now }),
    )
    .execute();
}

/** Marks runs completed; `digest` is what they now show (null: a message, not an analysis). */
export async function markCheckRunsCompleted(
  db: Db,
  repository: string,
  ids: readonly number[],
  digest: string | null = null,
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable("check_runs")
    .set({ status: "completed", output_digest: digest, updated_at: new Date() })
    .where("repository", "=", repository)
    .where("check_run_id", "in", ids)
    .execute();
}

/** Check runs of a commit this app recorded and never completed. */
export async function openCheckRuns(db: Db, repository: string, headSha: string): Promise<number[]> {
  const rows = await db
    .selectFrom("check_runs")
    .select("check_run_id")
    .where("repository", "=", repository)
    .where("head_sha", "=", headSha)
    .where("status", "<>", "completed")
    .execute();
  return rows.map((row) => row.check_run_id);
}

/** Every run recorded on a commit, whatever its state. */
export async function recordedCheckRunIds(db: Db, repository: string, headSha: string): Promise<Set<number>> {
  const rows = await db
    .selectFrom("check_runs")
    .select("check_run_id")
    .where("repository", "=", repository)
    .where("head_sha", "=", headSha)
    .execute();
  return new Set(rows.map((row) => row.check_run_id));
}

/** The latest completed run of each name on a commit whose output digest is known: name → id and digest. */
export async function completedCheckRuns(
  db: Db,
  repository: string,
  headSha: string,
): Promise<Map<string, { readonly id: number; readonly digest: string }>> {
  const rows = await db
    .selectFrom("check_runs")
    .select(["name", "check_run_id", "output_digest"])
    .where("repository", "=", repository)
    .where("head_sha", "=", headSha)
    .where("status", "=", "completed")
    .where("output_digest", "is not", null)
    .execute();
  return new Map(rows.map((row) => [row.name, { id: row.check_run_id, digest: row.output_digest ?? "" }]));
}
