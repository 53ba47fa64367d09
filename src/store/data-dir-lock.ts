/**
 * One process at a time on an embedded database directory. PGlite runs PostgreSQL in
 * single-user mode and nothing in it keeps a second process out. Two processes on one directory
 * (the app, and `maestro-hive audit verify` or a `worker` started beside it) each recover and
 * checkpoint over the other's files, and rows are lost: a table the running app had created
 * was gone once a second process had opened and closed the directory.
 *
 * The lock is a file created exclusively next to the data, holding the owner's process id. A
 * lock whose process is gone (a crash, a killed container) is taken over; one held by a live
 * process, this one included, refuses the open with DataDirInUseError.
 */
import { readFileSync, realpathSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { once } from "../core/once.ts";

export const LOCK_FILE = "maestro-hive.lock";

export class DataDirInUseError extends Error {
  readonly dataDir: string;
  readonly owner: number;

  constructor(dataDir: string, owner: number) {
    super(
      `the embedded database in ${dataDir} is in use by process ${owner}${owner === process.pid ? " (this one)" : ""}. ` +
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
export function lockDataDir(dataDir: string): () => void {
  const dir = realpathSync(dataDir);
  if (held.has(dir)) throw new DataDirInUseError(dataDir, process.pid);
  const file = join(dir, LOCK_FILE);
  // Twice at most: once more after removing a stale lock; losing that race to another process
  // that took it meanwhile means the directory is in use.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: "wx", mode: 0o600 });
      held.add(dir);
      return once(() => {
        held.delete(dir);
        removeIfOwned(file);
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = ownerOf(file);
    if (owner !== null && owner !== process.pid && isRunning(owner))
      throw new DataDirInUseError(dataDir, owner);
    removeStale(file);
  }
  throw new DataDirInUseError(dataDir, ownerOf(file) ?? 0);
}

function ownerOf(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, "utf8").trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Whether a process with this id exists (EPERM: it does, under another user). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
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
function removeIfOwned(file: string): void {
  if (ownerOf(file) === process.pid) removeStale(file);
}
