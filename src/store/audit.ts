/**
 * The audit trail: append-only rows, hash-chained per installation (chain 0 for local and
 * CLI actions). Each row's hash is sha256 over the canonical JSON of its fields, including
 * the previous row's hash, so changing or removing any row breaks every later link.
 * A database trigger refuses UPDATE, DELETE and TRUNCATE; verifyAudit catches what bypasses it.
 */
import { createHash } from "node:crypto";
import { type Kysely, sql, type Transaction } from "kysely";
import { canonicalJson } from "./canonical-json.ts";
import type { AuditEvent, Database } from "./schema.ts";

export const GENESIS_HASH = "0".repeat(64);
/** Advisory-lock namespace for audit appends ("MAUD"). */
const AUDIT_LOCK_CLASS = 0x4d415544;

export type AuditKind =
  | "delivery.received"
  | "job.started"
  | "job.completed"
  | "job.failed"
  | "analysis.started"
  | "analysis.completed"
  | "publication"
  | "command"
  | "authorization"
  | "suppression.created"
  | "suppression.updated"
  | "suppression.removed"
  | "suppression.expired"
  | "override.created"
  | "installation.changed"
  | "ai.explanation"
  | "error";

export interface NewAuditEvent {
  /** The installation id; 0 (the default) for local and CLI actions. */
  chain?: number | undefined;
  kind: AuditKind | (string & {});
  actor?: string | null | undefined;
  repository?: string | null | undefined;
  prNumber?: number | null | undefined;
  subject?: string | null | undefined;
  data?: Record<string, unknown> | undefined;
  /** Defaults to now. */
  at?: Date | undefined;
}

type Executor = Kysely<Database> | Transaction<Database>;

interface HashedFields {
  chain: number;
  prev_hash: string;
  kind: string;
  actor: string | null;
  repository: string | null;
  pr_number: number | null;
  subject: string | null;
  data: unknown;
  created_at: Date;
}

export function auditHash(fields: HashedFields): string {
  return createHash("sha256").update(canonicalJson(fields)).digest("hex");
}

/**
 * Appends one event to its chain. Appends to one chain are serialised by a transaction-scoped
 * advisory lock, so concurrent writers (threads, replicas) never fork it. Pass a transaction
 * to make the audit row part of a larger unit of work.
 */
export async function appendAudit(executor: Executor, event: NewAuditEvent): Promise<AuditEvent> {
  if (executor.isTransaction) return appendInTransaction(executor as Transaction<Database>, event);
  return executor.transaction().execute((trx) => appendInTransaction(trx, event));
}

async function appendInTransaction(trx: Transaction<Database>, event: NewAuditEvent): Promise<AuditEvent> {
  const chain = event.chain ?? 0;
  await sql`select pg_advisory_xact_lock(${AUDIT_LOCK_CLASS}::int4, hashtext(${String(chain)}))`.execute(trx);
  const last = await trx
    .selectFrom("audit_events")
    .select("hash")
    .where("chain", "=", chain)
    .orderBy("seq", "desc")
    .limit(1)
    .executeTakeFirst();
  const fields: HashedFields = {
    chain,
    prev_hash: last?.hash ?? GENESIS_HASH,
    kind: event.kind,
    actor: event.actor ?? null,
    repository: event.repository ?? null,
    pr_number: event.prNumber ?? null,
    subject: event.subject ?? null,
    data: JSON.parse(canonicalJson(event.data ?? {})),
    created_at: event.at ?? new Date(),
  };
  return trx
    .insertInto("audit_events")
    .values({ ...fields, data: JSON.stringify(fields.data), hash: auditHash(fields) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface AuditFilter {
  repository?: string | undefined;
  prNumber?: number | undefined;
  actor?: string | undefined;
  kind?: string | undefined;
  since?: Date | undefined;
  chain?: number | undefined;
  limit?: number | undefined;
}

export async function listAudit(db: Executor, filter: AuditFilter = {}): Promise<AuditEvent[]> {
  let query = db.selectFrom("audit_events").selectAll().orderBy("seq", "asc");
  if (filter.repository !== undefined) query = query.where("repository", "=", filter.repository);
  if (filter.prNumber !== undefined) query = query.where("pr_number", "=", filter.prNumber);
  if (filter.actor !== undefined) query = query.where("actor", "=", filter.actor);
  if (filter.kind !== undefined) {
    // "suppression" matches suppression.created, suppression.removed, …
    const kind = filter.kind;
    query = kind.includes(".")
      ? query.where("kind", "=", kind)
      : query.where((eb) => eb.or([eb("kind", "=", kind), eb("kind", "like", `${kind}.%`)]));
  }
  if (filter.since !== undefined) query = query.where("created_at", ">=", filter.since);
  if (filter.chain !== undefined) query = query.where("chain", "=", filter.chain);
  if (filter.limit !== undefined) query = query.limit(filter.limit);
  return query.execute();
}

/** One JSON object per line, in append order; each line carries its hashes for offline checks. */
export async function exportAudit(db: Executor, filter: AuditFilter = {}): Promise<string> {
  const rows = await listAudit(db, filter);
  return rows.map((row) => `${canonicalJson(row)}\n`).join("");
}

export interface AuditBreak {
  chain: number;
  seq: number;
  reason: "prev_hash" | "hash";
  expected: string;
  actual: string;
}

export interface AuditVerification {
  ok: boolean;
  chains: number;
  events: number;
  /** The first broken row of each broken chain. */
  breaks: AuditBreak[];
}

/** Walks every chain from its genesis and names the first row that does not fit. */
export async function verifyAudit(
  db: Executor,
  options: { chain?: number } = {},
): Promise<AuditVerification> {
  let query = db.selectFrom("audit_events").selectAll().orderBy("chain").orderBy("seq");
  if (options.chain !== undefined) query = query.where("chain", "=", options.chain);
  const rows = await query.execute();
  const breaks: AuditBreak[] = [];
  const chains = new Set<number>();
  let currentChain: number | undefined;
  let prev = GENESIS_HASH;
  let broken = false;
  for (const row of rows) {
    if (row.chain !== currentChain) {
      currentChain = row.chain;
      chains.add(row.chain);
      prev = GENESIS_HASH;
      broken = false;
    }
    if (broken) continue;
    if (row.prev_hash !== prev) {
      breaks.push({
        chain: row.chain,
        seq: row.seq,
        reason: "prev_hash",
        expected: prev,
        actual: row.prev_hash,
      });
      broken = true;
      continue;
    }
    const expected = auditHash({
      chain: row.chain,
      prev_hash: row.prev_hash,
      kind: row.kind,
      actor: row.actor,
      repository: row.repository,
      pr_number: row.pr_number,
      subject: row.subject,
      data: row.data,
      created_at: row.created_at,
    });
    if (expected !== row.hash) {
      breaks.push({ chain: row.chain, seq: row.seq, reason: "hash", expected, actual: row.hash });
      broken = true;
      continue;
    }
    prev = row.hash;
  }
  return { ok: breaks.length === 0, chains: chains.size, events: rows.length, breaks };
}
