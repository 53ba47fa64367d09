import { parseArgs } from "node:util";
import { createQuarantine, type Quarantine } from "../../core/bdv/results/quarantine.ts";
import { addQuarantine, listQuarantines, removeQuarantine } from "../../store/bdv-results.ts";
import type { Store } from "../../store/connect.ts";
import { normalizeRepository } from "../../store/suppressions.ts";
import { openCliStore } from "../cli-store.ts";
import { type CliIo, UsageError } from "../io.ts";

export const QUARANTINE_USAGE = `Usage: maestro-hive quarantine <list|add|remove> --repo owner/name [options]

  list     the repository's quarantines (active and expired, until swept)
  add      SCOPE --reason "why" [--expires 14d|2026-12-31]
           SCOPE is a scenario id (as the BDV check lists it) or feature:GLOB;
           expires in 14 days unless --expires says otherwise (at most 90)
  remove   SCOPE

Options:
  --repo owner/name   the repository (required)
  --format text|json  output (default text)
  -h, --help          show this help

Changes are audited with the actor $MAESTRO_ACTOR (or $USER).
Exit codes: 0 done, 2 usage or invalid input.`;

const OPTIONS = {
  repo: { type: "string" },
  format: { type: "string" },
  reason: { type: "string" },
  expires: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export async function run(args: string[], io: CliIo): Promise<number> {
  const store = await openCliStore(io);
  try {
    return await runWithStore(args, io, store);
  } finally {
    await store.close();
  }
}

export async function runWithStore(args: string[], io: CliIo, store: Store): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${QUARANTINE_USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(QUARANTINE_USAGE);
    return 0;
  }
  const [action, ...rest] = positionals;
  if (!values.repo) throw new UsageError(`--repo owner/name is required\n\n${QUARANTINE_USAGE}`);
  let repository: string;
  try {
    repository = normalizeRepository(values.repo);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const json = values.format === "json";
  const now = new Date();
  const actor = io.env.MAESTRO_ACTOR ?? io.env.USER ?? "cli";
  const context = { now, actor };
  if (action === "list" && rest.length === 0) {
    const list = await listQuarantines(store.db, repository);
    io.out(
      json
        ? JSON.stringify(list, null, 2)
        : list.length === 0
          ? `No quarantines in ${repository}.`
          : list.map(describe).join("\n"),
    );
    return 0;
  }
  if (action === "add" && rest.length === 1) {
    const made = createQuarantine(
      { scope: rest[0]!, reason: values.reason ?? "", author: actor, expires: values.expires ?? null },
      now,
    );
    if (!made.ok) {
      io.err(`error: ${made.error}`);
      return 2;
    }
    await addQuarantine(store.db, repository, made.quarantine, context);
    io.out(json ? JSON.stringify(made.quarantine, null, 2) : `Quarantined ${describe(made.quarantine)}`);
    return 0;
  }
  if (action === "remove" && rest.length === 1) {
    const removed = await removeQuarantine(store.db, repository, rest[0]!, context);
    if (!removed) {
      io.err(`error: ${rest[0]} is not quarantined in ${repository}`);
      return 2;
    }
    io.out(json ? JSON.stringify(removed, null, 2) : `Removed ${describe(removed)}`);
    return 0;
  }
  throw new UsageError(
    `${action ? `"${[action, ...rest].join(" ")}" is not a quarantine command` : "missing action"}\n\n${QUARANTINE_USAGE}`,
  );
}

function describe(quarantine: Quarantine): string {
  return `${quarantine.scope} until ${quarantine.expires.toISOString()} by ${quarantine.author}: ${quarantine.reason}`;
}
