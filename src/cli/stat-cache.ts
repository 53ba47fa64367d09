/**
 * What a working-tree file held the last time it was read, keyed by its path and its stat
 * data, like git's index: when mtime, ctime, size, inode and mode are all unchanged, the
 * file's blob SHA (or why it was left out) is taken from here instead of reading and
 * hashing the file again. Its contents are then read only if the analysis asks for them.
 *
 * Racy entries are never trusted: a file modified within RACY_MS of the moment it was read
 * could change again without its timestamps changing (coarse file-system clocks), so its
 * record holds no stat data (NaN, equal to nothing) and it gets read and hashed on the next
 * run. It keeps its place: the next run's lookups still find the records in listing order.
 */
import type { Stats } from "node:fs";
import type { SkipReason } from "../core/snapshot.ts";

/** [mtimeMs, ctimeMs, size, ino, mode, blob SHA or skip reason]. */
export type StatRecord = readonly [number, number, number, number, number, string];

/** The numbers of one record: mtimeMs, ctimeMs, size, ino, mode. */
export const STAT_NUMBERS = 5;

/**
 * Stat records column by column: record i is `paths[i]`, `numbers[5i, 5i+5)` and `values[i]`
 * (blob SHA or skip reason). Thousands of records load and save without an object each.
 */
export class StatTable {
  readonly paths: readonly string[];
  readonly numbers: Float64Array;
  readonly values: readonly string[];
  /**
   * Per record, the indexes of its path and value in `strings`, the string table of the file
   * it was decoded from (warm-state.ts), so that saving it again needs no lookup; -1 for a
   * record of this run.
   */
  readonly #carried: StatIds | undefined;
  #index: Map<string, number> | undefined;

  constructor(paths: readonly string[], numbers: Float64Array, values: readonly string[], carried?: StatIds) {
    if (numbers.length !== paths.length * STAT_NUMBERS || values.length !== paths.length)
      throw new Error("stat table columns of different lengths");
    if (carried !== undefined && carried.ids.length !== paths.length * 2)
      throw new Error("stat table ids of another length");
    this.paths = paths;
    this.numbers = numbers;
    this.values = values;
    this.#carried = carried;
  }

  get carried(): StatIds | undefined {
    return this.#carried;
  }

  static fromRecords(records: Iterable<readonly [string, StatRecord]>): StatTable {
    const paths: string[] = [];
    const numbers: number[] = [];
    const values: string[] = [];
    for (const [path, record] of records) {
      paths.push(path);
      numbers.push(record[0], record[1], record[2], record[3], record[4]);
      values.push(record[5]);
    }
    return new StatTable(paths, Float64Array.from(numbers), values);
  }

  get size(): number {
    return this.paths.length;
  }

  /** The record number of `path`, or -1. */
  indexOf(path: string): number {
    if (this.#index === undefined) {
      this.#index = new Map();
      for (let i = 0; i < this.paths.length; i++) this.#index.set(this.paths[i]!, i);
    }
    return this.#index.get(path) ?? -1;
  }

  has(path: string): boolean {
    return this.indexOf(path) !== -1;
  }

  get(path: string): StatRecord | undefined {
    const i = this.indexOf(path);
    if (i === -1) return undefined;
    const n = this.numbers;
    const f = i * STAT_NUMBERS;
    return [n[f]!, n[f + 1]!, n[f + 2]!, n[f + 3]!, n[f + 4]!, this.values[i]!];
  }
}

export interface StatIds {
  readonly strings: readonly string[];
  readonly ids: Int32Array;
}

export const EMPTY_STAT_TABLE = new StatTable([], new Float64Array(0), []);

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
  /** Files read and hashed during this run (stat data changed or unknown). */
  hashed = 0;
  reused = 0;

  private readonly previous: StatTable;
  private readonly readAt: number;
  /** Where the next lookup expects its path: git lists a tree in the same order every run. */
  private cursor = 0;
  /** This run's records: columns as they grow, and where each came from in `previous` (or -1). */
  private readonly paths: string[] = [];
  private numbers: Float64Array;
  private readonly values: string[] = [];
  private readonly from: number[] = [];

  /** `previous`: the records of the last run; `readAt`: when this run started reading (epoch ms). */
  constructor(previous: StatTable, readAt: number = Date.now()) {
    this.previous = previous;
    this.readAt = readAt;
    this.numbers = new Float64Array(Math.max(previous.size + 64, 256) * STAT_NUMBERS);
  }

  /** The recorded outcome when `stats` match the record of `path`, else undefined. */
  lookup(path: string, stats: Stats): StatOutcome | undefined {
    const previous = this.previous;
    const i = this.find(path);
    if (i === -1) return undefined;
    this.cursor = i + 1; // the next path is looked for after this one, even if this one changed
    const n = previous.numbers;
    const f = i * STAT_NUMBERS;
    if (
      n[f] !== stats.mtimeMs ||
      n[f + 1] !== stats.ctimeMs ||
      n[f + 2] !== stats.size ||
      n[f + 3] !== stats.ino ||
      n[f + 4] !== stats.mode
    )
      return undefined;
    const value = previous.values[i]!;
    this.takeOver(path, i, value);
    return SKIP_REASONS.has(value) ? { reason: value as SkipReason } : { blobSha: value };
  }

  /**
   * Takes the record of `path` over without its stat data when it holds `blobSha`: git has
   * just compared the file with its index entry and found it unchanged, and that entry's blob is
   * the one this cache hashed from the file's bytes, so the file still holds those bytes (where
   * git converts line endings or runs filters, the two SHAs differ and this declines). A racy
   * record declines too.
   */
  reuseBlob(path: string, blobSha: string): boolean {
    const i = this.find(path);
    if (i === -1 || this.previous.values[i] !== blobSha) return false;
    if (Number.isNaN(this.previous.numbers[i * STAT_NUMBERS])) return false;
    this.cursor = i + 1;
    this.takeOver(path, i, blobSha);
    return true;
  }

  /** Remembers what `path` held when it had `stats`, unless the change is too recent to trust. */
  record(path: string, stats: Stats, outcome: StatOutcome): void {
    this.hashed++;
    const value = "blobSha" in outcome ? outcome.blobSha : outcome.reason;
    if (Math.max(stats.mtimeMs, stats.ctimeMs) > this.readAt - RACY_MS)
      this.add(path, Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN, value, -1);
    else this.add(path, stats.mtimeMs, stats.ctimeMs, stats.size, stats.ino, stats.mode, value, -1);
  }

  /** The records to keep for the next run: this run's files only. */
  records(): StatTable {
    const count = this.paths.length;
    const numbers = this.numbers.slice(0, count * STAT_NUMBERS);
    const previous = this.previous.carried;
    if (previous === undefined) return new StatTable(this.paths, numbers, this.values);
    // Records taken over keep their indexes; -1 marks the others (warm-state.ts looks them up).
    const ids = new Int32Array(count * 2).fill(-1);
    for (let r = 0; r < count; r++) {
      const i = this.from[r]!;
      if (i === -1) continue;
      ids[2 * r] = previous.ids[2 * i]!;
      ids[2 * r + 1] = previous.ids[2 * i + 1]!;
    }
    return new StatTable(this.paths, numbers, this.values, { strings: previous.strings, ids });
  }

  /** Carries record `i` of `previous` (stat data and `value`) into this run's records. */
  private takeOver(path: string, i: number, value: string): void {
    const n = this.previous.numbers;
    const f = i * STAT_NUMBERS;
    this.reused++;
    this.add(path, n[f]!, n[f + 1]!, n[f + 2]!, n[f + 3]!, n[f + 4]!, value, i);
  }

  /** The index of `path`'s record in `previous`, looked for next to the last one first; -1: none. */
  private find(path: string): number {
    const paths = this.previous.paths;
    let i = this.cursor;
    while (i < this.cursor + 3 && paths[i] !== path) i++; // a file or two deleted
    return paths[i] === path ? i : this.previous.indexOf(path);
  }

  private add(
    path: string,
    mtime: number,
    ctime: number,
    size: number,
    ino: number,
    mode: number,
    value: string,
    from: number,
  ): void {
    const r = this.paths.length;
    if ((r + 1) * STAT_NUMBERS > this.numbers.length) {
      const grown = new Float64Array(this.numbers.length * 2);
      grown.set(this.numbers);
      this.numbers = grown;
    }
    const f = r * STAT_NUMBERS;
    this.numbers[f] = mtime;
    this.numbers[f + 1] = ctime;
    this.numbers[f + 2] = size;
    this.numbers[f + 3] = ino;
    this.numbers[f + 4] = mode;
    this.paths.push(path);
    this.values.push(value);
    this.from.push(from);
  }
}
