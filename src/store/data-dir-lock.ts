/**
 * One process at a time on an embedded database directory. PGlite runs PostgreSQL in
 * single-user mode and nothing in it keeps a second process out. Two processes on one directory
 * (the app, and `maestro-hive audit verify` or a second app started beside it) each recover and
 * checkpoint over the other's files, and rows are lost: a table the running app had created
 * was gone once a second process had opened and closed the directory.
 *
 * The lock is a file created exclusively next to the data: "<pid> <host>". Its holder touches it
 * every HEARTBEAT_MS. Another process takes it over only when its holder is gone:
 * - on the same host, when no process has that id (a crash, a restarted container: the same id
 *   as this one's, which does not hold it, is a previous run);
 * - from another host (containers sharing a volume, where process ids say nothing), when it has
 *   not been touched for STALE_MS.
 * Otherwise the open is refused with DataDirInUseError.
 */
import { readFileSync, realpathSync, statSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { once } from "../core/once.ts";

export const LOCK_FILE = "maestro-hive.lock";
const HEARTBEAT_MS = 10_000;
const STALE_MS = 30_000;

export interface LockTiming {
  readonly heartbeatMs: number;
  readonly staleMs: number;
}

interface Owner {
  readonly pid: number;
  readonly host: string;
}

export class DataDirInUseError extends Error {
  readonly dataDir: string;
  readonly owner: Owner;

  constructor(dataDir: string, owner: Owner) {
    const self = owner.pid === process.pid && owner.host === hostname();
    const where = owner.host === hostname() ? "" : ` on ${owner.host}`;
    super(
      `the embedded database in ${dataDir} is in use by process ${owner.pid}${where}${self ? " (this one)" : ""}. ` +
        "Only one process at a time can open it: stop the other one first, or run the app and its " +
        `commands on PostgreSQL (DATABASE_URL). If no such process runs, remove ${join(dataDir, LOCK_FILE)}.`,
    );
    this.name = "DataDirInUseError";
    this.dataDir = dataDir;
    this.owner = owner;
  }
}

/** Directories this process holds: a second open in the same process is refused too. */
const held = new Set<string>();

/** Takes `dataDir`'s lock (the directory exists); returns its release. */
export function lockDataDir(
  dataDir: string,
  timing: LockTiming = { heartbeatMs: HEARTBEAT_MS, staleMs: STALE_MS },
): () => void {
  const dir = realpathSync(dataDir);
  const me: Owner = { pid: process.pid, host: hostname() };
  if (held.has(dir)) throw new DataDirInUseError(dataDir, me);
  const file = join(dir, LOCK_FILE);
  // Twice at most: once more after removing a stale lock; losing that race to another process
  // that took it meanwhile means the directory is in use.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${me.pid} ${me.host}\n`, { flag: "wx", mode: 0o600 });
      held.add(dir);
      const heartbeat = setInterval(() => touch(file), timing.heartbeatMs).unref();
      return once(() => {
        clearInterval(heartbeat);
        held.delete(dir);
        removeIfOwned(file, me);
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = ownerOf(file);
    if (owner !== null && isAlive(owner, me, file, timing.staleMs))
      throw new DataDirInUseError(dataDir, owner);
    removeStale(file);
  }
  throw new DataDirInUseError(dataDir, ownerOf(file) ?? { pid: 0, host: "?" });
}

function isAlive(owner: Owner, me: Owner, file: string, staleMs: number): boolean {
  if (owner.host !== me.host) return Date.now() - modifiedAt(file) < staleMs;
  return owner.pid !== me.pid && isRunning(owner.pid);
}

function ownerOf(file: string): Owner | null {
  try {
    const [pid, host] = readFileSync(file, "utf8").trim().split(" ");
    const id = Number(pid);
    return Number.isSafeInteger(id) && id > 0 ? { pid: id, host: host || hostname() } : null;
  } catch {
    return null;
  }
}

/** Whether a process with this id exists here (EPERM: it does, under another user). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function modifiedAt(file: string): number {
  return statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0;
}

/** The holder's heartbeat. A lock gone meanwhile (removed by hand) is not written back. */
function touch(file: string): void {
  const now = new Date();
  try {
    utimesSync(file, now, now);
  } catch {
    // gone or unwritable: the next open decides
  }
}

function removeStale(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

/** Removes the lock unless another process took it over meanwhile (it judged this one gone). */
function removeIfOwned(file: string, me: Owner): void {
  const owner = ownerOf(file);
  if (owner?.pid === me.pid && owner.host === me.host) removeStale(file);
}
