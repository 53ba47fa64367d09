/**
 * The audit trail: append-only rows, hash-chained per installation (chain 0 for local and
 * CLI actions). Each row's hash is sha256 over the canonical JSON of its fields, including
 * the previous row's hash, so changing or removing any row breaks every later link.
 * A database trigger refuses UPDATE, DELETE and TRUNCATE; verifyAudit catches what bypasses it.
 * What a walk from the genesis cannot see — a deleted tail, or an edit with every later hash
 * recomputed — shows against an anchor: the chain heads (count, last row, its hash) recorded
 * somewhere the database role cannot write (an export, the app's log, a metrics store).
 */
import { createHash } from "node:crypto";
import { type Kysely, sql, type Transaction } from "kysely";
import { z } from "zod";
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
  | "delivery.replayed"
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
  | "quarantine.created"
  | "quarantine.removed"
  | "quarantine.expired"
  | "bdv.results"
  | "installation.changed"
  | "onboarding"
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
  const append = async (trx: Transaction<Database>) => {
    const [row] = await appendAuditBatch(trx, event.chain ?? 0, [event]);
    if (!row) throw new Error("the audit row was not written");
    return row;
  };
  if (executor.isTransaction) return append(executor as Transaction<Database>);
  return executor.transaction().execute(append);
}

/**
 * Takes the chain's append lock until the transaction ends. Appenders that must read something
 * under the lock before appending (the delivery appender reads the deliveries not yet audited)
 * take it first; appendAuditBatch takes it again, which an advisory lock allows.
 */
export async function lockAuditChain(trx: Transaction<Database>, chain: number): Promise<void> {
  await sql`select pg_advisory_xact_lock(${AUDIT_LOCK_CLASS}::int4, hashtext(${String(chain)}))`.execute(trx);
}

/**
 * Appends events to one chain, in the given order, under one acquisition of its lock: one read
 * of the chain's head and one INSERT for all of them. Each row links to the one before it exactly
 * as single appends would (same fields, same hash). `event.chain` is ignored: `chain` applies.
 */
export async function appendAuditBatch(
  trx: Transaction<Database>,
  chain: number,
  events: readonly NewAuditEvent[],
): Promise<AuditEvent[]> {
  if (events.length === 0) return [];
  await lockAuditChain(trx, chain);
  const last = await trx
    .selectFrom("audit_events")
    .select("hash")
    .where("chain", "=", chain)
    .orderBy("seq", "desc")
    .limit(1)
    .executeTakeFirst();
  let prev = last?.hash ?? GENESIS_HASH;
  const appended = events.map((event) => {
    const fields: HashedFields = {
      chain,
      prev_hash: prev,
      kind: event.kind,
      actor: event.actor ?? null,
      repository: event.repository ?? null,
      pr_number: event.prNumber ?? null,
      subject: event.subject ?? null,
      data: JSON.parse(canonicalJson(event.data ?? {})),
      created_at: event.at ?? new Date(),
    };
    prev = auditHash(fields);
    return { ...fields, hash: prev };
  });
  const values = appended.map((row) => ({ ...row, data: JSON.stringify(row.data) }));
  // Only the numbers the database gave come back: the rest is what was just written, and reading
  // every column back (the embedded database copies each field out of its reply) cost more than
  // writing the rows.
  const rows = await trx.insertInto("audit_events").values(values).returning(["seq", "hash"]).execute();
  // verifyAudit walks a chain in seq order: the rows' seqs must rise in the order they link.
  // PostgreSQL numbers a multi-row VALUES in order; should that ever not hold, nothing is written.
  const seqByHash = new Map(rows.map((row) => [row.hash, row.seq]));
  const ordered: AuditEvent[] = [];
  for (const row of appended) {
    const seq = seqByHash.get(row.hash);
    const before = ordered.at(-1);
    if (seq === undefined || (before && seq <= before.seq)) {
      throw new Error("audit rows of one batch were numbered out of order; nothing was appended");
    }
    ordered.push({ ...row, seq, data: row.data as AuditEvent["data"] });
  }
  return ordered;
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
  /** The chain, or null for a bare-hash anchor found in no chain. */
  chain: number | null;
  seq: number;
  /** prev_hash / hash: the row does not fit its predecessor; anchor: the chain is not the anchored one. */
  reason: "prev_hash" | "hash" | "anchor";
  expected: string;
  actual: string;
  /** For anchor breaks: what differs, in a sentence. */
  detail?: string;
}

export interface AuditVerification {
  ok: boolean;
  chains: number;
  events: number;
  /** The first broken row of each broken chain, then every anchor the database does not match. */
  breaks: AuditBreak[];
}

/** Where a chain ended when it was anchored: how many events, the last row and its hash. */
export interface ChainHead {
  chain: number;
  events: number;
  headSeq: number;
  headHash: string;
}

export const ANCHOR_FORMAT = "maestro-hive audit anchor";

/** Every chain's head at one moment. Kept outside the database, it shows a deleted tail or a rewritten chain. */
export interface AuditAnchor {
  format: typeof ANCHOR_FORMAT;
  version: 1;
  takenAt: string;
  chains: ChainHead[];
}

/** What `verify` checks against: a full anchor, or one row hash (from a log line or a metrics label). */
export type AnchorInput = { heads: readonly ChainHead[] } | { hash: string };

const ChainHeadSchema = z.strictObject({
  chain: z.number().int(),
  events: z.number().int().min(1),
  headSeq: z.number().int().min(1),
  headHash: z.string().regex(/^[0-9a-f]{64}$/),
});

const AnchorSchema = z.strictObject({
  format: z.literal(ANCHOR_FORMAT),
  version: z.literal(1),
  takenAt: z.string(),
  chains: z.array(ChainHeadSchema),
});

/** Reads an anchor: 64 hex digits (one row hash) or the JSON of an AuditAnchor; throws saying what is wrong. */
export function parseAnchor(text: string): AnchorInput {
  const trimmed = text.trim();
  if (/^[0-9a-f]{64}$/i.test(trimmed)) return { hash: trimmed.toLowerCase() };
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    throw new Error("an anchor is a row hash (64 hex digits) or the JSON that `audit anchor` prints");
  }
  const parsed = AnchorSchema.safeParse(json);
  if (!parsed.success) {
    const problem = parsed.error.issues[0];
    throw new Error(`not an audit anchor: ${problem?.path.join(".") || "(root)"}: ${problem?.message}`);
  }
  return { heads: parsed.data.chains };
}

/** The head of every chain (or one), oldest chain first. */
export async function chainHeads(db: Executor, options: { chain?: number } = {}): Promise<ChainHead[]> {
  const filter = options.chain === undefined ? sql`` : sql`where chain = ${options.chain}`;
  const { rows } = await sql<{ chain: number; events: number; seq: number; hash: string }>`
    select heads.chain, heads.events, e.seq, e.hash
    from (select chain, count(*)::int as events, max(seq) as head from audit_events ${filter} group by chain) heads
    join audit_events e on e.seq = heads.head
    order by heads.chain`.execute(db);
  return rows.map((row) => ({
    chain: Number(row.chain),
    events: Number(row.events),
    headSeq: Number(row.seq),
    headHash: row.hash,
  }));
}

export async function takeAnchor(
  db: Executor,
  now: Date,
  options: { chain?: number } = {},
): Promise<AuditAnchor> {
  return {
    format: ANCHOR_FORMAT,
    version: 1,
    takenAt: now.toISOString(),
    chains: await chainHeads(db, options),
  };
}

/**
 * Walks every chain from its genesis and names the first row that does not fit; with an
 * anchor, also names every anchored head the chain no longer ends at or passes through.
 */
export async function verifyAudit(
  db: Executor,
  options: { chain?: number; anchor?: AnchorInput } = {},
): Promise<AuditVerification> {
  let query = db.selectFrom("audit_events").selectAll().orderBy("chain").orderBy("seq");
  if (options.chain !== undefined) query = query.where("chain", "=", options.chain);
  const rows = await query.execute();
  const breaks = rows.length > 0 ? walkChains(rows) : [];
  if (options.anchor) breaks.push(...anchorBreaks(rows, options.anchor, options.chain));
  return {
    ok: breaks.length === 0,
    chains: new Set(rows.map((r) => r.chain)).size,
    events: rows.length,
    breaks,
  };
}

function walkChains(rows: readonly AuditEvent[]): AuditBreak[] {
  const breaks: AuditBreak[] = [];
  let currentChain: number | undefined;
  let prev = GENESIS_HASH;
  let broken = false;
  for (const row of rows) {
    if (row.chain !== currentChain) {
      currentChain = row.chain;
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
  return breaks;
}

function anchorBreaks(
  rows: readonly AuditEvent[],
  anchor: AnchorInput,
  chain: number | undefined,
): AuditBreak[] {
  if ("hash" in anchor) {
    if (rows.some((row) => row.hash === anchor.hash)) return [];
    return [
      {
        chain: chain ?? null,
        seq: 0,
        reason: "anchor",
        expected: anchor.hash,
        actual: "missing",
        detail: `no row has the anchored hash ${anchor.hash}: the row was deleted or rewritten`,
      },
    ];
  }
  const breaks: AuditBreak[] = [];
  for (const head of anchor.heads) {
    if (chain !== undefined && head.chain !== chain) continue;
    const mine = rows.filter((row) => row.chain === head.chain);
    const row = mine.find((candidate) => candidate.seq === head.headSeq);
    const upToHead = mine.filter((candidate) => candidate.seq <= head.headSeq).length;
    const base = { chain: head.chain, seq: head.headSeq, reason: "anchor" as const, expected: head.headHash };
    if (!row) {
      breaks.push({
        ...base,
        actual: "missing",
        detail: `the anchored head (row ${head.headSeq}, event ${head.events} of the chain) is gone: ${head.events - upToHead} event(s) up to it were deleted`,
      });
    } else if (row.hash !== head.headHash) {
      breaks.push({
        ...base,
        actual: row.hash,
        detail: `row ${head.headSeq} no longer has the anchored hash: it or an earlier row was rewritten and the hashes recomputed`,
      });
    } else if (upToHead !== head.events) {
      breaks.push({
        ...base,
        actual: row.hash,
        detail: `${upToHead} event(s) up to row ${head.headSeq}, the anchor counted ${head.events}`,
      });
    }
  }
  return breaks;
}
