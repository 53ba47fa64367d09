/**
 * Gate overrides: one row per `/maestro override`, bound to the pull request's head commit
 * at the time (a new push makes a new head, which no override names). The row and its
 * `override.created` audit event commit in one transaction. Rows are never updated: a new
 * override of the same commit is a new row, and the latest one applies.
 */
import type { Kysely, Selectable } from "kysely";
import { appendAudit } from "./audit.ts";
import type { Database, OverridesTable } from "./schema.ts";

export type OverrideRow = Selectable<OverridesTable>;

export interface NewOverride {
  /** "owner/name" as GitHub spells it (the analysis job looks overrides up with the same name). */
  readonly repository: string;
  readonly prNumber: number;
  readonly headSha: string;
  /** The analysis key of the run the author saw (analysis_runs.analysis_key). */
  readonly analysisKey: string;
  /** The GitHub login of the admin. */
  readonly actor: string;
  readonly reason: string;
  readonly now: Date;
  /** Audit chain: the installation id. */
  readonly chain: number;
  /** Extra audit data (the comment it came from, the role that allowed it). */
  readonly audit?: Record<string, unknown>;
}

export async function addOverride(db: Kysely<Database>, input: NewOverride): Promise<OverrideRow> {
  if (!/^[0-9a-f]{40}$/.test(input.headSha)) throw new Error(`"${input.headSha}" is not a commit SHA`);
  if (input.reason.trim() === "") throw new Error("an override needs a reason");
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("overrides")
      .values({
        repository: input.repository,
        pr_number: input.prNumber,
        head_sha: input.headSha,
        analysis_key: input.analysisKey,
        actor: input.actor,
        reason: input.reason,
        created_at: input.now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      chain: input.chain,
      kind: "override.created",
      actor: input.actor,
      repository: input.repository,
      prNumber: input.prNumber,
      subject: `commit:${input.headSha}`,
      data: { overrideId: row.id, reason: input.reason, headSha: input.headSha, ...input.audit },
      at: input.now,
    });
    return row;
  });
}

/** Every override of a pull request, oldest first. */
export async function listOverrides(
  db: Kysely<Database>,
  repository: string,
  prNumber: number,
): Promise<OverrideRow[]> {
  return db
    .selectFrom("overrides")
    .selectAll()
    .where("repository", "=", repository)
    .where("pr_number", "=", prNumber)
    .orderBy("id")
    .execute();
}
