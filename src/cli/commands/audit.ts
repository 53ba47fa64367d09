/** `maestro-hive audit list|verify|export|anchor`: read and check the hash-chained audit trail. */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  type AnchorInput,
  type AuditBreak,
  type AuditFilter,
  exportAudit,
  listAudit,
  parseAnchor,
  takeAnchor,
  verifyAudit,
} from "../../store/audit.ts";
import { type Store, storeOptionsFromEnv } from "../../store/connect.ts";
import { countPendingDeliveries } from "../../store/delivery-audit.ts";
import type { AuditEvent } from "../../store/schema.ts";
import { openCommandStore } from "../command-store.ts";
import { type CliIo, UsageError } from "../io.ts";
import { requireCurrentSchema } from "./db.ts";

export const AUDIT_USAGE = `Usage: maestro-hive audit <list|verify|export|anchor> [filters]

  list     one line per event, oldest first
  verify   walk every hash chain; exit 1 and name the first broken row of each broken chain;
           also counts deliveries received but not yet in the trail (the app appends them)
           --anchor HASH|FILE   also check the chains against an anchor taken earlier (a row
                                hash, or a file written by \`anchor\` / \`export --anchor-out\`):
                                finds a deleted tail and a chain rewritten with recomputed hashes
  export   JSON lines (every field, with its hashes) for archiving or offline checks; the
           anchor of the chains (their event counts, last rows and hashes) goes to stderr,
           and to a file with --anchor-out FILE
  anchor   print the anchor of every chain (or --chain N) as JSON: keep it where the
           database's roles cannot write, and verify against it later

Filters (list, export):
  --repo owner/name     events about this repository
  --pr N                events about this pull request
  --actor LOGIN         events by this actor
  --kind KIND           a kind (suppression.created) or a family (suppression)
  --since DATE          events at or after this date/time (ISO 8601) or this long ago (30d, 12h)
  --chain N             one installation's chain (0 for local/CLI events; verify too)
  --format text|json    list output (default text)

The database is DATABASE_URL, or the embedded one in $MAESTRO_DATA_DIR (default ./.data).`;

const OPTIONS = {
  repo: { type: "string" },
  pr: { type: "string" },
  actor: { type: "string" },
  kind: { type: "string" },
  since: { type: "string" },
  chain: { type: "string" },
  format: { type: "string" },
  anchor: { type: "string" },
  "anchor-out": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export async function run(args: string[], io: CliIo): Promise<number> {
  return runWithStore(args, io, undefined, new Date());
}

/** The command against an open store (tests), or the one the environment names. */
export async function runWithStore(
  args: string[],
  io: CliIo,
  given: Store | undefined,
  now: Date,
): Promise<number> {
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true }>
  >;
  try {
    parsed = parseArgs({ args, options: OPTIONS, allowPositionals: true });
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n\n${AUDIT_USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(AUDIT_USAGE);
    return 0;
  }
  const [action, ...extra] = positionals;
  if (!action || !["list", "verify", "export", "anchor"].includes(action) || extra.length > 0) {
    throw new UsageError(`expected list, verify, export or anchor\n\n${AUDIT_USAGE}`);
  }
  const format = values.format ?? "text";
  if (format !== "text" && format !== "json")
    throw new UsageError(`--format must be text or json, not "${format}"`);
  const filter = parseFilter(values, now);
  const anchor = values.anchor === undefined ? undefined : readAnchor(values.anchor, io.cwd);

  const store = given ?? openCommandStore(storeOptionsFromEnv(io.env, io.cwd));
  try {
    await requireCurrentSchema(store.db);
    const chainOnly = filter.chain === undefined ? {} : { chain: filter.chain };
    if (action === "verify") return await verify(store, { ...chainOnly, anchor }, format, io);
    if (action === "anchor") {
      io.out(JSON.stringify(await takeAnchor(store.db, now, chainOnly), null, 2));
      return 0;
    }
    if (action === "export") {
      const text = await exportAudit(store.db, filter);
      if (text) io.out(text.trimEnd());
      const taken = JSON.stringify(await takeAnchor(store.db, now, chainOnly));
      io.err(`audit anchor: ${taken}`);
      if (values["anchor-out"] !== undefined)
        writeFileSync(resolve(io.cwd, values["anchor-out"]), `${taken}\n`);
      return 0;
    }
    const rows = await listAudit(store.db, filter);
    if (format === "json") io.out(JSON.stringify(rows));
    else if (rows.length === 0) io.out("no audit events match");
    else for (const row of rows) io.out(formatRow(row));
    return 0;
  } finally {
    if (!given) await store.close();
  }
}

async function verify(
  store: Store,
  options: { chain?: number; anchor?: AnchorInput | undefined },
  format: string,
  io: CliIo,
): Promise<number> {
  const result = await verifyAudit(store.db, {
    ...(options.chain === undefined ? {} : { chain: options.chain }),
    ...(options.anchor === undefined ? {} : { anchor: options.anchor }),
  });
  const pendingDeliveries = await countPendingDeliveries(store.db, options.chain);
  if (format === "json") io.out(JSON.stringify({ ...result, pendingDeliveries }));
  else if (result.ok) {
    io.out(
      `audit trail intact: ${result.events} events in ${result.chains} chain(s)${options.anchor ? ", consistent with the anchor" : ""}`,
    );
  } else {
    io.out(`audit trail BROKEN (${result.breaks.length} problem(s)):`);
    for (const b of result.breaks) io.out(`  ${describeBreak(b)}`);
  }
  // Not a break: a running app appends these rows within seconds. Many that stay mean no app runs.
  if (format !== "json" && pendingDeliveries > 0)
    io.out(
      `${pendingDeliveries} received deliver${pendingDeliveries === 1 ? "y is" : "ies are"} not in the trail yet: a running app appends them within seconds; if the count stays, no app is running`,
    );
  return result.ok ? 0 : 1;
}

function describeBreak(b: AuditBreak): string {
  const chain = b.chain === null ? "anchor" : `chain ${b.chain}`;
  if (b.reason === "anchor") return `${chain}: ${b.detail ?? `row seq ${b.seq} differs from the anchor`}`;
  return `${chain}: row seq ${b.seq} — its ${b.reason} is ${b.actual}, expected ${b.expected}`;
}

/** --anchor: a row hash, or a file holding an anchor (or, its first line being one, an export's stderr line). */
function readAnchor(value: string, cwd: string): AnchorInput {
  let text = value;
  if (!/^[0-9a-f]{64}$/i.test(value.trim())) {
    try {
      text = readFileSync(resolve(cwd, value), "utf8").replace(/^audit anchor: /, "");
    } catch (error) {
      throw new UsageError(
        `--anchor: ${value} is neither a row hash (64 hex digits) nor a readable file (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }
  try {
    return parseAnchor(text);
  } catch (error) {
    throw new UsageError(`--anchor ${value}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function parseFilter(values: Record<string, string | boolean | undefined>, now: Date): AuditFilter {
  const text = (name: string) => {
    const value = values[name];
    return typeof value === "string" ? value : undefined;
  };
  const integer = (name: string) => {
    const value = text(name);
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number, not "${value}"`);
    return Number(value);
  };
  const since = text("since");
  return {
    repository: text("repo"),
    prNumber: integer("pr"),
    actor: text("actor"),
    kind: text("kind"),
    chain: integer("chain"),
    since: since === undefined ? undefined : parseSince(since, now),
  };
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

function parseSince(value: string, now: Date): Date {
  const relative = /^(\d+)([mhdw])$/.exec(value);
  if (relative) return new Date(now.getTime() - Number(relative[1]) * (UNIT_MS[relative[2] ?? "d"] ?? 0));
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
    throw new UsageError(`--since must be an ISO date (2026-11-01) or a duration (30d, 12h), not "${value}"`);
  }
  return date;
}

function formatRow(row: AuditEvent): string {
  const where = row.repository
    ? `${row.repository}${row.pr_number !== null ? `#${row.pr_number}` : ""}`
    : "-";
  const data = Object.keys((row.data ?? {}) as object).length > 0 ? ` ${JSON.stringify(row.data)}` : "";
  return `${row.created_at.toISOString()}  #${row.seq}  chain ${row.chain}  ${row.kind}  ${row.actor ?? "-"}  ${where}  ${row.subject ?? ""}${data}`;
}
