/**
 * `maestro-hive deliveries failed|replay`: the dead letters — deliveries whose job failed every
 * attempt — listed, and put back on the queue.
 */
import { hostname, userInfo } from "node:os";
import { parseArgs } from "node:util";
import type { PgBoss } from "pg-boss";
import { replayDeadLetter } from "../../jobs/dead-letters.ts";
import { DELIVERY_QUEUE, startQueue } from "../../jobs/queue.ts";
import type { Store } from "../../store/connect.ts";
import { type DeadLetter, listDeadLetters } from "../../store/dead-letters.ts";
import { appEnvOrUsage } from "../app-env-or-usage.ts";
import { openCommandStore } from "../command-store.ts";
import { type CliIo, parseOrUsage, UsageError } from "../io.ts";
import { requireCurrentSchema } from "./db.ts";

export const DELIVERIES_USAGE = `Usage: maestro-hive deliveries <failed|replay> [options]

  failed [--json]                      deliveries whose job failed every attempt (dead letters),
                                       oldest failure first, with the last error
  replay <DELIVERY-ID>... | --all      put their jobs back on the queue (one more attempt each,
         [--actor NAME]                taken by any worker); each replay is audited
                                       (delivery.replayed) with the actor (default:
                                       $MAESTRO_ACTOR, else $USER) and this host

Same environment as the app: DATABASE_URL (or the embedded database in $MAESTRO_DATA_DIR —
stop the app first) and MAESTRO_QUEUE_SCHEMA. Failed jobs are kept 7 days (the queue's
retention); the job.failed audit rows stay. Exit 1 when a named delivery is not a dead letter.`;

const OPTIONS = {
  json: { type: "boolean" },
  all: { type: "boolean" },
  actor: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** An open store and started queue (tests), instead of the ones the environment names. */
export interface DeliveriesDeps {
  readonly store: Store;
  readonly boss: PgBoss;
  readonly queueSchema: string;
}

export async function run(args: string[], io: CliIo): Promise<number> {
  return runWithQueue(args, io, undefined);
}

export async function runWithQueue(
  args: string[],
  io: CliIo,
  given: DeliveriesDeps | undefined,
): Promise<number> {
  const { values, positionals } = parseOrUsage(
    () => parseArgs({ args, options: OPTIONS, allowPositionals: true }),
    DELIVERIES_USAGE,
  );
  if (values.help) {
    io.out(DELIVERIES_USAGE);
    return 0;
  }
  const [action, ...ids] = positionals;
  if (action === "failed") {
    if (ids.length > 0 || values.all || values.actor !== undefined)
      throw new UsageError(`failed takes only --json\n\n${DELIVERIES_USAGE}`);
  } else if (action === "replay") {
    if ((values.all === true) === ids.length > 0)
      throw new UsageError(`replay takes delivery ids or --all (not both)\n\n${DELIVERIES_USAGE}`);
  } else {
    throw new UsageError(`expected failed or replay\n\n${DELIVERIES_USAGE}`);
  }
  const deps = given ?? (await openFromEnv(io));
  try {
    await requireCurrentSchema(deps.store.db);
    if (action === "failed") return await listFailed(deps, values.json === true, io);
    const actor = values.actor ?? io.env.MAESTRO_ACTOR ?? io.env.USER ?? operatingSystemUser();
    return await replay(deps, values.all === true ? "all" : ids, actor, io);
  } finally {
    if (!given) {
      await deps.boss.stop({ graceful: false, close: true, timeout: 2000 });
      await deps.store.close();
    }
  }
}

async function openFromEnv(io: CliIo): Promise<DeliveriesDeps> {
  const env = appEnvOrUsage(io);
  const store = openCommandStore({ databaseUrl: env.databaseUrl, dataDir: env.dataDir });
  try {
    // No maintenance from a short-lived command: the app's processes supervise the queue.
    const boss = await startQueue(store, { schema: env.queueSchema, supervise: false });
    return { store, boss, queueSchema: env.queueSchema };
  } catch (error) {
    await store.close();
    throw error;
  }
}

async function listFailed(deps: DeliveriesDeps, json: boolean, io: CliIo): Promise<number> {
  const letters = await listDeadLetters(deps.store.db, deps.queueSchema, DELIVERY_QUEUE);
  if (json) io.out(JSON.stringify(letters));
  else if (letters.length === 0) io.out("no failed deliveries");
  else for (const letter of letters) io.out(formatLetter(letter));
  return 0;
}

async function replay(
  deps: DeliveriesDeps,
  ids: string[] | "all",
  actor: string,
  io: CliIo,
): Promise<number> {
  const { db } = deps.store;
  const letters =
    ids === "all"
      ? await listDeadLetters(db, deps.queueSchema, DELIVERY_QUEUE)
      : await lettersNamed(deps, ids, io);
  if (letters === undefined) return 1;
  const by = { actor, via: `maestro-hive deliveries replay on ${hostname()}` };
  let replayed = 0;
  for (const letter of letters) {
    if (await replayDeadLetter(db, deps.boss, letter, by)) {
      replayed++;
      io.out(`replayed ${letter.deliveryId} (job ${letter.jobId})`);
    } else {
      io.err(`${letter.deliveryId} is no longer failed (replayed or retried meanwhile); left alone`);
    }
  }
  if (ids === "all" && letters.length === 0) io.out("no failed deliveries");
  return replayed === letters.length ? 0 : 1;
}

/** The dead letters of the named deliveries; undefined (after saying which) when one is not failed. */
async function lettersNamed(
  deps: DeliveriesDeps,
  ids: string[],
  io: CliIo,
): Promise<DeadLetter[] | undefined> {
  const letters: DeadLetter[] = [];
  const missing: string[] = [];
  for (const deliveryId of ids) {
    const found = await listDeadLetters(deps.store.db, deps.queueSchema, DELIVERY_QUEUE, { deliveryId });
    if (found.length === 0) missing.push(deliveryId);
    letters.push(...found);
  }
  if (missing.length === 0) return letters;
  for (const id of missing) io.err(`${id} is not a failed delivery (see \`maestro-hive deliveries failed\`)`);
  return undefined;
}

function formatLetter(letter: DeadLetter): string {
  const what = [letter.event, letter.action].filter(Boolean).join(".") || "unrecorded delivery";
  const where =
    letter.repository ?? (letter.installationId === null ? "-" : `installation ${letter.installationId}`);
  const when = letter.failedAt?.toISOString() ?? "-";
  const attempts = `${letter.attempts} attempt${letter.attempts === 1 ? "" : "s"}`;
  return `${when}  ${letter.deliveryId}  ${what}  ${where}  ${attempts}  ${oneLine(letter.error ?? "")}`;
}

/** Error text on one line, cut to a readable length (the JSON output has all of it). */
function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
}

function operatingSystemUser(): string {
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}
