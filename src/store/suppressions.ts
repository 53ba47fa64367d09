/**
 * Suppressions in the database, scoped per repository ("owner/name", lowercased). Every
 * create, update, expiry and removal appends an audit event in the same transaction, so a
 * change and its audit row commit together or not at all. Usage counts are updated with
 * `use_count = use_count + n` in one statement: concurrent analyses never lose increments.
 */
import { type Kysely, type Selectable, sql, type Transaction } from "kysely";
import type { StreamName } from "../core/findings.ts";
import {
  type CreateResult,
  createSuppression,
  type PatternType,
  type Suppression,
  type SuppressionInput,
  type SuppressionIssue,
  type SuppressionLevel,
  type SuppressionSource,
  validateSuppression,
} from "../core/suppress/index.ts";
import { appendAudit } from "./audit.ts";
import type { Database, SuppressionsTable } from "./schema.ts";

type Executor = Kysely<Database> | Transaction<Database>;
type Row = Selectable<SuppressionsTable>;

const REPOSITORY = /^[a-z0-9_.-]+\/[a-z0-9_.-]+$/;

/** "Owner/Name" → "owner/name"; throws on anything that is not owner/name. */
export function normalizeRepository(repository: string): string {
  const normalized = repository.trim().toLowerCase();
  if (!REPOSITORY.test(normalized))
    throw new Error(`"${repository}" is not a repository name of the form owner/name`);
  return normalized;
}

/** Who did it, from where: recorded in the audit event. */
export interface ChangeContext {
  readonly now: Date;
  readonly actor: string;
  /** Audit chain: the installation id; 0 (default) for CLI and local actions. */
  readonly chain?: number | undefined;
  readonly prNumber?: number | null | undefined;
}

export function rowToSuppression(row: Row): Suppression {
  return {
    id: row.id,
    level: row.level as SuppressionLevel,
    pattern: row.pattern,
    patternType: row.pattern_type as PatternType,
    rule: row.rule,
    stream: null as StreamName | null,
    threshold: row.threshold,
    expires: row.expires_at,
    permanent: row.permanent,
    justification: row.justification,
    author: row.author,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    useCount: Number(row.use_count),
    source: row.source as SuppressionSource,
    ticket: row.ticket,
    adr: row.adr,
  };
}

function suppressionToRow(repository: string, suppression: Suppression, createdAt: Date) {
  return {
    repository,
    id: suppression.id,
    level: suppression.level,
    pattern: suppression.pattern,
    pattern_type: suppression.patternType,
    rule: suppression.rule,
    threshold: suppression.threshold,
    expires_at: suppression.expires,
    permanent: suppression.permanent,
    justification: suppression.justification,
    author: suppression.author,
    created_at: suppression.createdAt ?? createdAt,
    last_used_at: suppression.lastUsedAt,
    use_count: suppression.useCount,
    source: suppression.source,
    ticket: suppression.ticket,
    adr: suppression.adr,
  };
}

/** The audit payload of a suppression: every field, dates as ISO strings. */
function snapshot(suppression: Suppression): Record<string, unknown> {
  const { stream: _stream, ...rest } = suppression;
  return rest;
}

export async function listSuppressions(db: Executor, repository: string): Promise<Suppression[]> {
  const rows = await db
    .selectFrom("suppressions")
    .selectAll()
    .where("repository", "=", normalizeRepository(repository))
    .orderBy("id")
    .execute();
  return rows.map(rowToSuppression);
}

export async function getSuppression(
  db: Executor,
  repository: string,
  id: string,
): Promise<Suppression | null> {
  const row = await db
    .selectFrom("suppressions")
    .selectAll()
    .where("repository", "=", normalizeRepository(repository))
    .where("id", "=", id)
    .executeTakeFirst();
  return row ? rowToSuppression(row) : null;
}

export interface AddOptions extends ChangeContext {
  /** Configured rule id → type, for the unknown-rule and threshold warnings. */
  readonly rules?: ReadonlyMap<string, string> | undefined;
  readonly defaultExpiry?: string | undefined;
}

/**
 * Validates and inserts a suppression, auditing `suppression.created`. A duplicate id (even
 * one inserted concurrently) is an "already exists" error, never an overwrite.
 */
export async function addSuppression(
  db: Kysely<Database>,
  repository: string,
  input: SuppressionInput,
  options: AddOptions,
): Promise<CreateResult> {
  const repo = normalizeRepository(repository);
  const existing = await db.selectFrom("suppressions").select("id").where("repository", "=", repo).execute();
  const created = createSuppression(
    { ...input, author: input.author ?? options.actor },
    {
      now: options.now,
      existingIds: new Set(existing.map((row) => row.id)),
      rules: options.rules,
      defaultExpiry: options.defaultExpiry,
    },
  );
  if (!created.ok) return created;
  const suppression = created.suppression;
  const inserted = await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("suppressions")
      .values(suppressionToRow(repo, suppression, options.now))
      .onConflict((oc) => oc.columns(["repository", "id"]).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row) return null;
    await appendAudit(trx, {
      ...auditBase(repo, suppression.id, options),
      kind: "suppression.created",
      data: { after: snapshot(rowToSuppression(row)) },
    });
    return rowToSuppression(row);
  });
  if (!inserted) {
    return {
      ok: false,
      errors: [
        {
          id: suppression.id,
          field: "id",
          message: `suppression "${suppression.id}" already exists in this repository`,
        },
      ],
      warnings: created.warnings,
    };
  }
  return { ok: true, suppression: inserted, warnings: created.warnings };
}

/** Fields a maintainer may change after creation. */
export type SuppressionChanges = Partial<
  Pick<
    Suppression,
    | "pattern"
    | "patternType"
    | "level"
    | "rule"
    | "threshold"
    | "expires"
    | "permanent"
    | "justification"
    | "ticket"
    | "adr"
  >
>;

export type UpdateResult =
  | { readonly ok: true; readonly before: Suppression; readonly after: Suppression }
  | { readonly ok: false; readonly errors: SuppressionIssue[] };

/** Validates the changed entry and updates it, auditing `suppression.updated` with before and after. */
export async function updateSuppression(
  db: Kysely<Database>,
  repository: string,
  id: string,
  changes: SuppressionChanges,
  options: ChangeContext & { readonly rules?: ReadonlyMap<string, string> | undefined },
): Promise<UpdateResult> {
  const repo = normalizeRepository(repository);
  return db.transaction().execute(async (trx): Promise<UpdateResult> => {
    const row = await trx
      .selectFrom("suppressions")
      .selectAll()
      .where("repository", "=", repo)
      .where("id", "=", id)
      .forUpdate()
      .executeTakeFirst();
    if (!row)
      return { ok: false, errors: [{ id, field: "id", message: `suppression "${id}" does not exist` }] };
    const before = rowToSuppression(row);
    const after: Suppression = { ...before, ...changes };
    // A new expiry must be in the future; an untouched old one is judged as loaded.
    const mode = changes.expires !== undefined || changes.permanent !== undefined ? "create" : "load";
    const { errors } = validateSuppression(after, { now: options.now, mode, rules: options.rules });
    if (errors.length > 0) return { ok: false, errors };
    const {
      use_count: _count,
      last_used_at: _last,
      created_at: _created,
      ...fields
    } = suppressionToRow(repo, after, options.now);
    const updated = await trx
      .updateTable("suppressions")
      .set(fields)
      .where("repository", "=", repo)
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const result = rowToSuppression(updated);
    await appendAudit(trx, {
      ...auditBase(repo, id, options),
      kind: "suppression.updated",
      data: { before: snapshot(before), after: snapshot(result) },
    });
    return { ok: true, before, after: result };
  });
}

/** Deletes a suppression, auditing `suppression.removed` with its last state; null when there was none. */
export async function removeSuppression(
  db: Kysely<Database>,
  repository: string,
  id: string,
  options: ChangeContext & { readonly reason?: string | undefined },
): Promise<Suppression | null> {
  const repo = normalizeRepository(repository);
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .deleteFrom("suppressions")
      .where("repository", "=", repo)
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirst();
    if (!row) return null;
    const before = rowToSuppression(row);
    await appendAudit(trx, {
      ...auditBase(repo, id, options),
      kind: "suppression.removed",
      data: { before: snapshot(before), ...(options.reason ? { reason: options.reason } : {}) },
    });
    return before;
  });
}

/**
 * Deletes the entries that expired before `now` (permanent ones never expire), auditing one
 * `suppression.expired` per entry with its last state. Without a repository, sweeps all.
 */
export async function expireSuppressions(
  db: Kysely<Database>,
  options: ChangeContext & { readonly repository?: string | undefined },
): Promise<Suppression[]> {
  const repo = options.repository === undefined ? undefined : normalizeRepository(options.repository);
  return db.transaction().execute(async (trx) => {
    let query = trx
      .deleteFrom("suppressions")
      .where("permanent", "=", false)
      .where("expires_at", "is not", null)
      .where("expires_at", "<", options.now)
      .where("source", "<>", "config");
    if (repo !== undefined) query = query.where("repository", "=", repo);
    const rows = await query.returningAll().execute();
    rows.sort((a, b) => (a.repository + a.id < b.repository + b.id ? -1 : 1));
    for (const row of rows) {
      await appendAudit(trx, {
        ...auditBase(row.repository, row.id, options),
        kind: "suppression.expired",
        data: { before: snapshot(rowToSuppression(row)), expiredAt: row.expires_at },
      });
    }
    return rows.map(rowToSuppression);
  });
}

/**
 * Adds this analysis's counts to each suppression's use_count and moves last_used_at
 * forward (never back) — one UPDATE for the whole map, each row incremented in place, so
 * parallel analyses of the same repository never lose an update. Ids not in the database
 * (config entries not synced) are ignored. Returns how many rows were updated.
 */
export async function recordUsage(
  db: Executor,
  repository: string,
  usage: ReadonlyMap<string, number>,
  at: Date,
): Promise<number> {
  const entries = [...usage].filter(([, count]) => Number.isInteger(count) && count > 0);
  if (entries.length === 0) return 0;
  const repo = normalizeRepository(repository);
  const values = sql.join(entries.map(([id, count]) => sql`(${id}::text, ${count}::bigint)`));
  const result = await sql`
    update suppressions as s
       set use_count = s.use_count + u.n,
           last_used_at = greatest(coalesce(s.last_used_at, ${at}::timestamptz), ${at}::timestamptz)
      from (values ${values}) as u(id, n)
     where s.repository = ${repo} and s.id = u.id`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * Keeps a row (source `config`) per config entry so its usage is counted like any other:
 * inserts new entries, refreshes changed definitions (keeping usage), deletes rows whose
 * entry left the config. These rows never apply on their own (see mergeSuppressions). The
 * config file's own history is in git, so this bookkeeping is not audited.
 */
export async function syncConfigSuppressions(
  db: Kysely<Database>,
  repository: string,
  fromConfig: readonly Suppression[],
  now: Date,
): Promise<void> {
  const repo = normalizeRepository(repository);
  await db.transaction().execute(async (trx) => {
    const ids = fromConfig.map((suppression) => suppression.id);
    let stale = trx.deleteFrom("suppressions").where("repository", "=", repo).where("source", "=", "config");
    if (ids.length > 0) stale = stale.where("id", "not in", ids);
    await stale.execute();
    for (const suppression of fromConfig) {
      const row = suppressionToRow(repo, { ...suppression, source: "config" }, now);
      const {
        use_count: _count,
        last_used_at: _last,
        created_at: _created,
        repository: _repo,
        id: _id,
        ...definition
      } = row;
      // A command-made row with the same id stays untouched: the config wins at merge time anyway.
      await trx
        .insertInto("suppressions")
        .values({ ...row, use_count: 0, last_used_at: null })
        .onConflict((oc) =>
          oc
            .columns(["repository", "id"])
            .doUpdateSet(definition)
            .where("suppressions.source", "=", "config"),
        )
        .execute();
    }
  });
}

function auditBase(repository: string, id: string, options: ChangeContext) {
  return {
    chain: options.chain ?? 0,
    actor: options.actor,
    repository,
    prNumber: options.prNumber ?? null,
    subject: id,
    at: options.now,
  };
}
