/**
 * Executed BDV results in the database: the reports read from CI artifacts and their scenario
 * rows, and scenario quarantines (every change audited in the same transaction).
 */
import type { Kysely, Selectable, Transaction } from "kysely";
import type { ResultFormat, ScenarioResult, ScenarioStatus } from "../core/bdv/results/model.ts";
import type { Quarantine } from "../core/bdv/results/quarantine.ts";
import { appendAudit } from "./audit.ts";
import type { BdvScenarioResultsTable, Database } from "./schema.ts";
import { type ChangeContext, normalizeRepository } from "./suppressions.ts";

type Executor = Kysely<Database> | Transaction<Database>;

export interface ReportKey {
  readonly repository: string;
  readonly headSha: string;
  readonly workflowRunId: number;
  readonly runAttempt: number;
  readonly artifact: string;
  readonly format: ResultFormat;
}

export interface StoredReport {
  readonly status: "read" | "missing" | "unreadable";
  readonly problems: readonly string[];
  readonly results: readonly ScenarioResult[];
}

/**
 * Stores one report (replacing an earlier read of the same run attempt and artifact: a redelivered
 * webhook stores it once). Returns the report id.
 */
export async function saveReport(
  db: Kysely<Database>,
  key: ReportKey,
  report: StoredReport,
  at: Date,
): Promise<number> {
  const repository = normalizeRepository(key.repository);
  return db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom("bdv_result_reports")
      .where("repository", "=", repository)
      .where("head_sha", "=", key.headSha)
      .where("workflow_run_id", "=", key.workflowRunId)
      .where("run_attempt", "=", key.runAttempt)
      .where("artifact", "=", key.artifact)
      .execute();
    const { id } = await trx
      .insertInto("bdv_result_reports")
      .values({
        repository,
        head_sha: key.headSha,
        workflow_run_id: key.workflowRunId,
        run_attempt: key.runAttempt,
        artifact: key.artifact,
        format: key.format,
        status: report.status,
        problems: JSON.stringify(report.problems),
        scenarios: report.results.length,
        received_at: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const rows = report.results.map((result) => ({
      report_id: id,
      repository,
      head_sha: key.headSha,
      workflow_run_id: key.workflowRunId,
      run_attempt: key.runAttempt,
      scenario_id: result.id,
      feature: result.feature,
      name: result.name,
      example: result.example,
      status: result.status,
      retries: JSON.stringify(result.retries),
      duration_ms: result.durationMs,
      error: result.error,
      tags: JSON.stringify(result.tags),
      contracts: JSON.stringify(result.contracts),
      feature_blob: null,
      step_blobs: null,
      recorded_at: at,
    }));
    for (let start = 0; start < rows.length; start += 500) {
      await trx
        .insertInto("bdv_scenario_results")
        .values(rows.slice(start, start + 500))
        .execute();
    }
    return id;
  });
}

/** A configured artifact's report on a commit: whether and how it arrived. */
export interface ReportSummary {
  readonly workflowRunId: number;
  readonly runAttempt: number;
  readonly artifact: string;
  readonly status: "read" | "missing" | "unreadable";
  readonly problems: readonly string[];
  readonly receivedAt: Date;
}

export async function reportsOf(db: Executor, repository: string, headSha: string): Promise<ReportSummary[]> {
  const rows = await db
    .selectFrom("bdv_result_reports")
    .selectAll()
    .where("repository", "=", normalizeRepository(repository))
    .where("head_sha", "=", headSha)
    .orderBy("received_at")
    .orderBy("id")
    .execute();
  return rows.map((row) => ({
    workflowRunId: row.workflow_run_id,
    runAttempt: row.run_attempt,
    artifact: row.artifact,
    status: row.status as ReportSummary["status"],
    problems: row.problems,
    receivedAt: row.received_at,
  }));
}

/** One stored scenario result with where it ran. */
export interface ExecutedScenario extends ScenarioResult {
  readonly headSha: string;
  readonly workflowRunId: number;
  readonly runAttempt: number;
  readonly recordedAt: Date;
  /** Blob SHA of the feature file and of the step files at that commit; null until an analysis saw it. */
  readonly featureBlob: string | null;
  readonly stepBlobs: readonly string[] | null;
}

function toExecuted(row: Selectable<BdvScenarioResultsTable>): ExecutedScenario {
  return {
    id: row.scenario_id,
    feature: row.feature,
    name: row.name,
    example: row.example,
    status: row.status as ScenarioStatus,
    durationMs: row.duration_ms,
    error: row.error,
    tags: row.tags,
    contracts: row.contracts,
    retries: row.retries as ScenarioStatus[],
    headSha: row.head_sha,
    workflowRunId: row.workflow_run_id,
    runAttempt: row.run_attempt,
    recordedAt: row.recorded_at,
    featureBlob: row.feature_blob,
    stepBlobs: row.step_blobs,
  };
}

/** Every scenario result of a commit, oldest run attempt first. */
export async function resultsOf(
  db: Executor,
  repository: string,
  headSha: string,
): Promise<ExecutedScenario[]> {
  const rows = await db
    .selectFrom("bdv_scenario_results")
    .selectAll()
    .where("repository", "=", normalizeRepository(repository))
    .where("head_sha", "=", headSha)
    .orderBy("workflow_run_id")
    .orderBy("run_attempt")
    .orderBy("scenario_id")
    .execute();
  return rows.map(toExecuted);
}

/**
 * The latest `window` results of each of these scenarios on other commits (the flake history),
 * newest first per scenario.
 */
export async function historyOf(
  db: Executor,
  repository: string,
  scenarioIds: readonly string[],
  exceptHead: string,
  window: number,
): Promise<ExecutedScenario[]> {
  if (scenarioIds.length === 0) return [];
  const rows = await db
    .selectFrom("bdv_scenario_results")
    .selectAll()
    .where("repository", "=", normalizeRepository(repository))
    .where("scenario_id", "in", [...scenarioIds])
    .where("head_sha", "<>", exceptHead)
    .orderBy("scenario_id")
    .orderBy("recorded_at", "desc")
    .execute();
  const kept = new Map<string, number>();
  return rows
    .filter((row) => {
      const count = kept.get(row.scenario_id) ?? 0;
      kept.set(row.scenario_id, count + 1);
      return count < window;
    })
    .map(toExecuted);
}

/** Records the blob SHAs an analysis of the commit found for each feature file's scenarios. */
export async function recordFingerprints(
  db: Kysely<Database>,
  repository: string,
  headSha: string,
  fingerprints: ReadonlyMap<string, { readonly featureBlob: string; readonly stepBlobs: readonly string[] }>,
): Promise<void> {
  const repo = normalizeRepository(repository);
  for (const [feature, fingerprint] of fingerprints) {
    await db
      .updateTable("bdv_scenario_results")
      .set({ feature_blob: fingerprint.featureBlob, step_blobs: JSON.stringify(fingerprint.stepBlobs) })
      .where("repository", "=", repo)
      .where("head_sha", "=", headSha)
      .where("feature", "=", feature)
      .where("feature_blob", "is", null)
      .execute();
  }
}

// ---- quarantines -----------------------------------------------------------------------------

function toQuarantine(row: Selectable<Database["bdv_quarantines"]>): Quarantine {
  return {
    scope: row.scope,
    reason: row.reason,
    author: row.author,
    createdAt: row.created_at,
    expires: row.expires_at,
  };
}

function quarantineData(quarantine: Quarantine): Record<string, unknown> {
  return {
    ...quarantine,
    createdAt: quarantine.createdAt.toISOString(),
    expires: quarantine.expires.toISOString(),
  };
}

export async function listQuarantines(db: Executor, repository: string): Promise<Quarantine[]> {
  const rows = await db
    .selectFrom("bdv_quarantines")
    .selectAll()
    .where("repository", "=", normalizeRepository(repository))
    .orderBy("scope")
    .execute();
  return rows.map(toQuarantine);
}

/** Adds (or renews, audited with the previous state) a quarantine. */
export async function addQuarantine(
  db: Kysely<Database>,
  repository: string,
  quarantine: Quarantine,
  context: ChangeContext,
): Promise<{ readonly renewed: boolean }> {
  const repo = normalizeRepository(repository);
  return db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom("bdv_quarantines")
      .selectAll()
      .where("repository", "=", repo)
      .where("scope", "=", quarantine.scope)
      .forUpdate()
      .executeTakeFirst();
    const values = {
      reason: quarantine.reason,
      author: quarantine.author,
      created_at: quarantine.createdAt,
      expires_at: quarantine.expires,
    };
    await trx
      .insertInto("bdv_quarantines")
      .values({ repository: repo, scope: quarantine.scope, ...values })
      .onConflict((oc) => oc.columns(["repository", "scope"]).doUpdateSet(values))
      .execute();
    await appendAudit(trx, {
      ...auditBase(repo, quarantine.scope, context),
      kind: "quarantine.created",
      data: {
        after: quarantineData(quarantine),
        ...(before ? { before: quarantineData(toQuarantine(before)) } : {}),
      },
    });
    return { renewed: before !== undefined };
  });
}

export async function removeQuarantine(
  db: Kysely<Database>,
  repository: string,
  scope: string,
  context: ChangeContext,
): Promise<Quarantine | null> {
  const repo = normalizeRepository(repository);
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .deleteFrom("bdv_quarantines")
      .where("repository", "=", repo)
      .where("scope", "=", scope)
      .returningAll()
      .executeTakeFirst();
    if (!row) return null;
    const before = toQuarantine(row);
    await appendAudit(trx, {
      ...auditBase(repo, scope, context),
      kind: "quarantine.removed",
      data: { before: quarantineData(before) },
    });
    return before;
  });
}

/** Deletes the quarantines that expired before `now`, one `quarantine.expired` audit row each. */
export async function expireQuarantines(
  db: Kysely<Database>,
  repository: string,
  context: ChangeContext,
): Promise<Quarantine[]> {
  const repo = normalizeRepository(repository);
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .deleteFrom("bdv_quarantines")
      .where("repository", "=", repo)
      .where("expires_at", "<=", context.now)
      .returningAll()
      .execute();
    rows.sort((a, b) => (a.scope < b.scope ? -1 : 1));
    for (const row of rows) {
      await appendAudit(trx, {
        ...auditBase(repo, row.scope, context),
        kind: "quarantine.expired",
        data: { before: quarantineData(toQuarantine(row)) },
      });
    }
    return rows.map(toQuarantine);
  });
}

function auditBase(repository: string, scope: string, context: ChangeContext) {
  return {
    chain: context.chain ?? 0,
    actor: context.actor,
    repository,
    prNumber: context.prNumber ?? null,
    subject: `quarantine:${scope}`,
    at: context.now,
  };
}

/** When the commit was first claimed for analysis (the results timeout counts from there), or null. */
export async function firstAnalysedAt(
  db: Executor,
  repository: string,
  headSha: string,
): Promise<Date | null> {
  const row = await db
    .selectFrom("analysis_runs")
    .select((eb) => eb.fn.min("created_at").as("first"))
    .where("repository", "=", repository)
    .where("head_sha", "=", headSha)
    .executeTakeFirst();
  const first = row?.first as Date | string | null | undefined;
  return first ? new Date(first) : null;
}
