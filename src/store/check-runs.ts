/**
 * The check runs this app created on GitHub, per (repository, head SHA, name): so a retried
 * or superseded analysis can complete the ones an earlier attempt left open.
 */
import type { Db } from "./db.ts";

export async function recordCheckRun(
  db: Db,
  repository: string,
  headSha: string,
  name: string,
  id: number,
  status: string,
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
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc
        .columns(["repository", "head_sha", "name"])
        .doUpdateSet({ check_run_id: id, status, updated_at: now }),
    )
    .execute();
}

export async function markCheckRunsCompleted(
  db: Db,
  repository: string,
  ids: readonly number[],
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable("check_runs")
    .set({ status: "completed", updated_at: new Date() })
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
