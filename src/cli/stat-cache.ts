/**
 * What a working-tree file held the last time it was read, keyed by its path and its stat
 * data, like git's index: when mtime, ctime, size, inode and mode are all unchanged, the
 * file's blob SHA (or why it was left out) is taken from here instead of reading and
 * hashing the file again. Its contents are then read only if the analysis asks for them.
 *
 * Racy entries are never trusted: a file modified within RACY_MS of the moment it was read
 * could change again without its timestamps changing (coarse file-system clocks), so it is
 * not recorded and gets read and hashed on the next run.
 */
import type { Stats } from "node:fs";
import type { SkipReason } from "../core/snapshot.ts";

/** [mtimeMs, ctimeMs, size, ino, mode, blob SHA or skip reason]. */
export type StatRecord = readonly [number, number, number, number, number, string];

/** Changes younger than this when the file was read are re-checked next time. */
export const RACY_MS = 2000;

const SKIP_REASONS: ReadonlySet<string> = new Set<SkipReason>([
  "binary",
  "too-large",
  "lfs-pointer",
  "submodule",
  "symlink",
  "invalid-utf8",
]);

export type StatOutcome = { readonly blobSha: string } | { readonly reason: SkipReason };

export class StatCache {
  private readonly next = new Map<string, StatRecord>();
  /** Files read and hashed during this run (stat data changed or unknown). */
  hashed = 0;
  reused = 0;

  private readonly previous: ReadonlyMap<string, StatRecord>;
  private readonly readAt: number;

  /** `previous`: the records of the last run; `readAt`: when this run started reading (epoch ms). */
  constructor(previous: ReadonlyMap<string, StatRecord>, readAt: number = Date.now()) {
    this.previous = previous;
    this.readAt = readAt;
  }

  /** The recorded outcome when `stats` match the record of `path`, else undefined. */
  lookup(path: string, stats: Stats): StatOutcome | undefined {
    const record = this.previous.get(path);
    if (record === undefined || !sameStats(record, stats)) return undefined;
    this.reused++;
    this.next.set(path, record);
    const value = record[5];
    return SKIP_REASONS.has(value) ? { reason: value as SkipReason } : { blobSha: value };
  }

  /** Remembers what `path` held when it had `stats`, unless the change is too recent to trust. */
  record(path: string, stats: Stats, outcome: StatOutcome): void {
    this.hashed++;
    if (Math.max(stats.mtimeMs, stats.ctimeMs) > this.readAt - RACY_MS) return;
    const value = "blobSha" in outcome ? outcome.blobSha : outcome.reason;
    this.next.set(path, [stats.mtimeMs, stats.ctimeMs, stats.size, stats.ino, stats.mode, value]);
  }

  /** The records to keep for the next run: this run's files only. */
  records(): ReadonlyMap<string, StatRecord> {
    return this.next;
  }
}

function sameStats(record: StatRecord, stats: Stats): boolean {
  return (
    record[0] === stats.mtimeMs &&
    record[1] === stats.ctimeMs &&
    record[2] === stats.size &&
    record[3] === stats.ino &&
    record[4] === stats.mode
  );
}
