/** `maestro-hive audit list|verify|export`: read and check the hash-chained audit trail. */
import { parseArgs } from "node:util";
import { type AuditFilter, exportAudit, listAudit, verifyAudit } from "../../store/audit.ts";
import { openStore, type Store, storeOptionsFromEnv } from "../../store/connect.ts";
import { migrateToLatest } from "../../store/migrate.ts";
import type { AuditEvent } from "../../store/schema.ts";
import { type CliIo, UsageError } from "../io.ts";

export const AUDIT_USAGE = `Usage: maestro-hive audit <list|verify|export> [filters]

  list     one line per event, oldest first
  verify   walk every hash chain; exit 1 and name the first broken row of each broken chain
  export   JSON lines (every field, with its hashes) for archiving or offline checks

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
  if (!action || !["list", "verify", "export"].includes(action) || extra.length > 0) {
    throw new UsageError(`expected list, verify or export\n\n${AUDIT_USAGE}`);
  }
  const format = values.format ?? "text";
  if (format !== "text" && format !== "json")
    throw new UsageError(`--format must be text or json, not "${format}"`);
  const filter = parseFilter(values, now);

  const store = given ?? openStore(storeOptionsFromEnv(io.env, io.cwd));
  try {
    await migrateToLatest(store.db);
    if (action === "verify") {
      const result = await verifyAudit(store.db, filter.chain === undefined ? {} : { chain: filter.chain });
      if (format === "json") io.out(JSON.stringify(result));
      else if (result.ok) io.out(`audit trail intact: ${result.events} events in ${result.chains} chain(s)`);
      else {
        io.out(`audit trail BROKEN in ${result.breaks.length} chain(s):`);
        for (const b of result.breaks) {
          io.out(
            `  chain ${b.chain}: row seq ${b.seq} — its ${b.reason} is ${b.actual}, expected ${b.expected}`,
          );
        }
      }
      return result.ok ? 0 : 1;
    }
    if (action === "export") {
      const text = await exportAudit(store.db, filter);
      if (text) io.out(text.trimEnd());
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
