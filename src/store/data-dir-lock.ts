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
 *
 * A stale lock is moved aside before it is removed, and put back when what was moved is no longer
 * the lock judged stale: two processes that judge the same stale lock at once cannot both take
 * over, the later one removing the lock the earlier one has just written. (A third process
 * creating a lock in the instant the later one has it aside would still get in.)
 */
import {
  closeSync,
  fstatSync,
  linkSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
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
  // Three tries at most: again after a stale lock was removed (by this process or another);
  // losing each time to processes that took it meanwhile means the directory is in use.
  for (let attempt = 0; attempt < 3; attempt++) {
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
    const lock = readLock(file);
    if (lock === null) continue; // removed meanwhile: try again
    if (lock.owner !== null && isAlive(lock.owner, me, lock.modifiedMs, timing.staleMs))
      throw new DataDirInUseError(dataDir, lock.owner);
    removeLockIfUnchanged(file, lock);
  }
  throw new DataDirInUseError(dataDir, readLock(file)?.owner ?? { pid: 0, host: "?" });
}

function isAlive(owner: Owner, me: Owner, modifiedMs: number, staleMs: number): boolean {
  if (owner.host !== me.host) return Date.now() - modifiedMs < staleMs;
  return owner.pid !== me.pid && isRunning(owner.pid);
}

/**
 * Which lock file a process judged: a lock written after it was removed may well get the same
 * inode (file systems reuse them at once), but not also the same contents and modification time.
 */
export interface LockIdentity {
  readonly inode: number;
  readonly modifiedMs: number;
  readonly text: string;
}

interface LockFile extends LockIdentity {
  /** null: garbage, or empty (a holder that crashed between creating and writing it). */
  readonly owner: Owner | null;
}

/** The lock as one open file: its owner, and which file it is (null: there is none). */
function readLock(file: string): LockFile | null {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  try {
    const { ino, mtimeMs } = fstatSync(fd);
    const text = readFileSync(fd, "utf8");
    return { owner: parseOwner(text), inode: ino, modifiedMs: mtimeMs, text };
  } finally {
    closeSync(fd);
  }
}

function sameLock(a: LockIdentity, b: LockIdentity): boolean {
  return a.inode === b.inode && a.modifiedMs === b.modifiedMs && a.text === b.text;
}

function parseOwner(text: string): Owner | null {
  const [pid, host] = text.trim().split(" ");
  const id = Number(pid);
  return Number.isSafeInteger(id) && id > 0 ? { pid: id, host: host || hostname() } : null;
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

/** The holder's heartbeat. A lock gone meanwhile (removed by hand) is not written back. */
function touch(file: string): void {
  const now = new Date();
  try {
    utimesSync(file, now, now);
  } catch {
    // gone or unwritable: the next open decides
  }
}

/**
 * Removes the lock judged stale unless another process has replaced it since: the lock is moved
 * aside first (of two processes moving it, one finds it gone), and what was moved is put back
 * when it is another lock. Exported for its test: the race it closes is a matter of
 * microseconds between two processes.
 */
export function removeLockIfUnchanged(file: string, judged: LockIdentity): void {
  const aside = `${file}.stale-${process.pid}-${Date.now()}`;
  try {
    renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return; // another process removed it
    throw error;
  }
  try {
    const moved = readLock(aside);
    if (moved !== null && !sameLock(moved, judged)) linkSync(aside, file); // a fresh lock: put back
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    unlinkSync(aside);
  }
}

/** Removes the lock unless another process took it over meanwhile (it judged this one gone). */
function removeIfOwned(file: string, me: Owner): void {
  const lock = readLock(file);
  if (lock?.owner?.pid === me.pid && lock.owner.host === me.host) removeLockIfUnchanged(file, lock);
}
