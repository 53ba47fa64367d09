/**
 * What `check` keeps between runs on one folder, so that a re-check after a small change
 * redoes only what the change touched (issue 17's warm path):
 * - the stat records of the working tree (stat-cache.ts): unchanged files are not read;
 * - the head's graph memo (graph.ts GraphMemo): while the set of paths and every file the
 *   resolvers read (tsconfig.json, package.json, pyproject.toml, …) are unchanged, a file
 *   with an unchanged blob keeps its extracted and resolved imports; otherwise the engine
 *   ignores the memo (it checks this itself) and the extraction cache still serves.
 *
 * One compact binary file per analysed folder in the cache directory, written atomically
 * (temporary file + rename). It is tied to the engine's code (ENGINE fingerprint: the files of
 * the running CLI, the Node version): any other build's state is ignored. A file that does not
 * deserialize or has the wrong shape is ignored too; the run is then simply cold.
 */

import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { deserialize, serialize } from "node:v8";
import type { GraphMemo } from "../core/acc/graph.ts";
import type { AccResult } from "../core/acc/index.ts";
import type { AccMetrics, FileMetrics } from "../core/acc/metrics.ts";
import type {
  ExtractError,
  ExtractResult,
  GraphFile,
  ImportKind,
  Language,
  RawImport,
  ResolvedImport,
} from "../core/acc/model.ts";
import { createHash } from "../core/hash.ts";
import type { ConfigMemo } from "./project-config.ts";
import { EMPTY_STAT_TABLE, STAT_NUMBERS, StatTable } from "./stat-cache.ts";

const FORMAT = 2;

/** A graph memo built with the default languages (GraphMemo.languages: DEFAULT_LANGUAGES). */
export type StoredMemo = Omit<GraphMemo, "languages">;

/**
 * The head's ACC result (analyze.ts `keepHeadAcc`) without its rules context, which a later
 * run rebuilds if it needs it; its graph is the memo's entries for `paths`, in order.
 */
export interface StoredAcc
  extends Pick<AccResult, "findings" | "notices" | "metrics" | "stats" | "factsKey"> {
  readonly configKey: string;
  readonly paths: readonly string[];
}

export interface WarmState {
  readonly stats: StatTable;
  /** The caller must only store a memo built with the default languages, and adds them back at load. */
  readonly memo: StoredMemo | null;
  /** Only with a memo holding every file of its graph. */
  readonly acc: StoredAcc | null;
  /** The validated config of the last run (project-config.ts). */
  readonly config: ConfigMemo | null;
}

const EMPTY: WarmState = { stats: EMPTY_STAT_TABLE, memo: null, acc: null, config: null };
const MAGIC = "MHW1";

/** The state file of `dir` inside the cache directory (several folders may share one). */
export function warmStateFile(cacheDirectory: string, dir: string): string {
  return join(cacheDirectory, `warm-v${FORMAT}-${pathTag(resolve(dir))}.bin`);
}

/**
 * FNV-1a (64 bits) of the path's UTF-16 code units, as 16 hex digits: a file name, not a
 * secret (the file's header names its folder, checked at load), and no node:crypto to load.
 */
function pathTag(path: string): string {
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < path.length; i++)
    hash = ((hash ^ BigInt(path.charCodeAt(i))) * 0x100000001b3n) & 0xffffffffffffffffn;
  return hash.toString(16).padStart(16, "0");
}

/** The state the last run on `dir` left, or an empty one. */
export function loadWarmState(file: string, dir: string): WarmState {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return EMPTY;
  }
  try {
    const decoded = decode(bytes);
    if (decoded.header.dir !== resolve(dir) || decoded.header.engine !== engineFingerprint()) return EMPTY;
    return decoded.state;
  } catch {
    return EMPTY; // truncated, foreign or from another format: the run is cold
  }
}

/** Writes the state for the next run. */
export function saveWarmState(file: string, dir: string, state: WarmState): void {
  const header = { format: FORMAT, engine: engineFingerprint(), dir: resolve(dir) };
  const parts = encode(header, state);
  const temporary = `${file}.${process.pid}.tmp`;
  // Written part by part: the file is never assembled in memory (its size again in the peak RSS).
  let fd: number;
  try {
    fd = openSync(temporary, "w");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    mkdirSync(dirname(file), { recursive: true });
    fd = openSync(temporary, "w");
  }
  try {
    for (const part of parts) writeAll(fd, part);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
}

function writeAll(fd: number, part: Uint8Array): void {
  for (let at = 0; at < part.length; ) at += writeSync(fd, part, at, part.length - at);
}

interface Header {
  readonly format: number;
  readonly engine: string;
  readonly dir: string;
}

interface StoredHeader extends Header {
  /**
   * The string table: its length, its strings joined by NULs right after the header (bytes:
   * `stringBytes`); or, when a string holds a NUL, the strings themselves.
   */
  readonly strings: number | string[];
  readonly stringBytes: number;
  /** How many strings the table held when it was last written from scratch (see Carried). */
  readonly fresh: number;
  readonly floats: number;
  readonly ints: number;
  readonly memo: { readonly maxBytes: number; readonly maxNesting: number | null } | null;
  /** The ACC result's keys; its paths follow the memo in the int32 part, the rest is in the tail. */
  readonly acc: { readonly configKey: string; readonly factsKey: string } | null;
  /** Bytes of the V8-serialized tail (Tail). */
  readonly tail: number;
  /** Bytes of the V8-serialized file metrics after it (when Tail's metrics are split). */
  readonly metricsFiles: number;
}

/** Exact (V8-serialized): the ACC result's findings, notices and metrics, and the config. */
interface Tail {
  /** `metrics` whole, or only its components (its files follow the tail). */
  readonly acc:
    | (Pick<AccResult, "findings" | "notices" | "stats"> &
        ({ readonly metrics: AccMetrics } | { readonly components: AccMetrics["components"] }))
    | null;
  readonly config: ConfigMemo | null;
}

/*
 * Layout: "MHW1", the header's byte length (uint32), the header (JSON: counts and keys), the
 * string table (UTF-8, NUL-separated: splitting it is faster than JSON), padding to 8 bytes, the stat numbers (float64), then everything else as int32
 * (strings as indexes into the table, -1 for null), then the ACC result's findings, notices
 * and metrics (V8-serialized: a few objects, kept exactly). Tens of thousands of small objects
 * decode several times faster this way than through v8.deserialize or JSON.parse.
 */
function encode(header: Header, { stats, memo, acc, config }: WarmState): Uint8Array[] {
  const carried = memo === null ? null : carriedFrom(memo);
  const strings: string[] = carried === null ? [] : carried.strings.slice();
  // Strings new to a carried table are not looked up in it (they may repeat one of its strings,
  // until it is rebuilt): what is taken over keeps its indexes, the rest is a few hundred strings.
  const index = new Map<string, number>();
  const id = (value: string | null | undefined): number => {
    if (value === null || value === undefined) return -1;
    let found = index.get(value);
    if (found === undefined) {
      found = strings.length;
      strings.push(value);
      index.set(value, found);
    }
    return found;
  };
  const ints = new IntWriter();
  ints.push(stats.size);
  // Records the stat cache took over from the loaded state keep their string indexes.
  const kept = carried !== null && stats.carried?.strings === carried.strings ? stats.carried.ids : null;
  const { paths, values } = stats;
  const at = ints.reserve(2 * paths.length);
  const array = ints.array;
  for (let r = 0; r < paths.length; r++) {
    const path = kept === null ? -1 : kept[2 * r]!;
    const value = kept === null ? -1 : kept[2 * r + 1]!;
    array[at + 2 * r] = path !== -1 ? path : id(paths[r]);
    array[at + 2 * r + 1] = value !== -1 ? value : id(values[r]);
  }
  const encoded = memo === null ? null : encodeMemo(memo, ints, id, carried, kept === null ? null : stats);
  const memoHeader = encoded?.header ?? null;
  let accHeader: StoredHeader["acc"] = null;
  let accTail: Tail["acc"] = null;
  let metricsPart: Uint8Array | null = null;
  if (memoHeader !== null && acc !== null && encodeAccPaths(acc.paths, encoded!.order, memo!, ints, id)) {
    const { findings, notices, metrics, stats: accStats } = acc;
    if (knownKeys(metrics, METRICS_KEYS)) {
      // The files' metrics as loaded (never read since) are written back as they were read.
      metricsPart = packedMetricsFiles.get(metrics) ?? serialize(metrics.files);
      accTail = { findings, notices, components: metrics.components, stats: accStats };
    } else accTail = { findings, notices, metrics, stats: accStats };
    accHeader = { configKey: acc.configKey, factsKey: acc.factsKey };
  }
  const tail = serialize({ acc: accTail, config } satisfies Tail);
  const joined = strings.some((value) => value.includes("\0")) ? null : Buffer.from(strings.join("\0"));
  const head = Buffer.from(
    JSON.stringify({
      ...header,
      strings: joined === null ? strings : strings.length,
      stringBytes: joined === null ? 0 : joined.length,
      fresh: carried === null ? strings.length : carried.fresh,
      floats: stats.numbers.length,
      ints: ints.length,
      memo: memoHeader,
      acc: accHeader,
      tail: tail.length,
      metricsFiles: metricsPart?.length ?? 0,
    } satisfies StoredHeader),
  );
  const headerEnd = 8 + head.length + (joined?.length ?? 0);
  const floatsAt = Math.ceil(headerEnd / 8) * 8;
  const start = Buffer.alloc(8);
  start.write(MAGIC, 0, "latin1");
  start.writeUInt32LE(head.length, 4);
  // Typed arrays are little-endian on every platform this runs on (as decode assumes).
  const numbers = [stats.numbers, ints.written()].map(
    (array) => new Uint8Array(array.buffer, array.byteOffset, array.byteLength),
  );
  return [
    start,
    head,
    ...(joined === null ? [] : [joined]),
    Buffer.alloc(floatsAt - headerEnd),
    ...numbers,
    tail,
    ...(metricsPart === null ? [] : [metricsPart]),
  ];
}

/**
 * Appends the ACC result's paths (graph files, all in the memo: else false, nothing appended),
 * with the indexes the memo's paths got when they are in the same order (they usually are).
 */
function encodeAccPaths(
  paths: readonly string[],
  order: MemoPaths,
  memo: StoredMemo,
  ints: IntWriter,
  id: (value: string) => number,
): boolean {
  const at = ints.reserve(paths.length + 1);
  ints.array[at] = paths.length;
  for (let i = 0; i < paths.length; i++) {
    const path = paths[i]!;
    if (order.paths[i] === path) ints.array[at + 1 + i] = order.ids[i]!;
    else if (memo.files.has(path))
      ints.array[at + 1 + i] = id(path); // id() adds strings only
    else {
      ints.length = at;
      return false;
    }
  }
  return true;
}

/** The int32 part as it is written: an array that grows by doubling (no array of JS numbers). */
class IntWriter {
  length = 0;
  array = new Int32Array(1 << 16);

  push(value: number): void {
    if (this.length === this.array.length) this.grow(1);
    this.array[this.length++] = value;
  }

  /** Appends `from[start..end)`. */
  copy(from: Int32Array, start: number, end: number): void {
    const at = this.reserve(end - start);
    this.array.set(from.subarray(start, end), at);
  }

  written(): Int32Array {
    return this.array.subarray(0, this.length);
  }

  /** Room for `count` more ints, written by the caller into `array` from the index returned. */
  reserve(count: number): number {
    const at = this.length;
    if (at + count > this.array.length) this.grow(count);
    this.length = at + count;
    return at;
  }

  private grow(count: number): void {
    let size = this.array.length * 2;
    while (size < this.length + count) size *= 2;
    const grown = new Int32Array(size);
    grown.set(this.array.subarray(0, this.length));
    this.array = grown;
  }
}

/** The memo's file paths in order, with their string indexes (for the ACC result's paths). */
interface MemoPaths {
  readonly paths: string[];
  readonly ids: number[];
}

/**
 * Appends the memo to `ints`; null when it holds something this format does not know (not
 * kept). Map.forEach rather than for-of: this runs once per process, unoptimized, where each
 * for-of step over a map allocates.
 */
function encodeMemo(
  memo: StoredMemo,
  ints: IntWriter,
  id: (value: string | null | undefined) => number,
  carried: Carried | null,
  stats: StatTable | null,
): { readonly header: NonNullable<StoredHeader["memo"]>; readonly order: MemoPaths } | null {
  const start = ints.length;
  ints.push(memo.blobs.size);
  // The snapshot's files are mostly the stat records, in much the same order, with their
  // string indexes known (carried): blob entries that match one take its indexes.
  const paths = stats?.paths ?? [];
  const values = stats?.values ?? [];
  const ids = stats?.carried?.ids;
  let next = 0;
  memo.blobs.forEach((blob, path) => {
    let s = next;
    while (s < next + 3 && paths[s] !== path) s++; // a skipped file or two has a record, no blob
    if (paths[s] !== path) s = stats === null ? -1 : stats.indexOf(path);
    if (s !== -1) next = s + 1;
    if (s !== -1 && ids !== undefined && values[s] === blob && ids[2 * s] !== -1) {
      ints.push(ids[2 * s]!);
      ints.push(ids[2 * s + 1]!);
    } else {
      ints.push(id(path));
      ints.push(id(blob));
    }
  });
  ints.push(memo.reads.size);
  for (const path of memo.reads) ints.push(id(path));
  ints.push(memo.files.size);
  const order: MemoPaths = { paths: [], ids: [] };
  // Entries stored by the last run with the same string table: their ints are copied as they
  // are, consecutive ones at once.
  let runStart = -1;
  let runEnd = -1;
  let known = true;
  memo.files.forEach((entry, path) => {
    if (!known) return;
    if (entry instanceof DecodedEntry && entry.carried === carried) {
      if (entry.start !== runEnd) {
        if (runStart !== -1) ints.copy(carried.ints, runStart, runEnd);
        runStart = entry.start;
      }
      runEnd = entry.end;
      order.paths.push(path);
      order.ids.push(carried.ints[entry.start]!);
      return;
    }
    if (runStart !== -1) {
      ints.copy(carried!.ints, runStart, runEnd);
      runStart = runEnd = -1;
    }
    const pathId = id(path);
    order.paths.push(path);
    order.ids.push(pathId);
    known = encodeEntry(entry, path, pathId, ints, id);
  });
  if (!known) {
    ints.length = start;
    return null;
  }
  if (runStart !== -1) ints.copy(carried!.ints, runStart, runEnd);
  return { header: { maxBytes: memo.maxBytes, maxNesting: memo.maxNesting }, order };
}

/** One memo entry's ints; false when it holds something this format does not know. */
function encodeEntry(
  { extracted, file }: StoredMemo["files"] extends ReadonlyMap<string, infer E> ? E : never,
  path: string,
  pathId: number,
  ints: IntWriter,
  id: (value: string | null | undefined) => number,
): boolean {
  const packed = extracted instanceof PackedExtract ? extracted : null;
  if (file.path !== path || (packed === null && !knownKeys(extracted, EXTRACT_KEYS))) return false;
  ints.push(pathId);
  ints.push(id(file.language));
  ints.push(extracted.error ? id(JSON.stringify(extracted.error)) : -1);
  if (packed !== null) packed.repack(ints, id);
  else if (!packRaws(extracted.imports, ints, id)) return false;
  ints.push(file.imports.length);
  for (const edge of file.imports) {
    if (!knownKeys(edge, RESOLVED_KEYS)) return false;
    ints.push(id(edge.specifier));
    ints.push(edge.line);
    ints.push(id(edge.kind));
    ints.push(edge.sideEffect ? 1 : 0);
    ints.push(id(edge.target));
    ints.push(id(edge.external));
  }
  return true;
}

/** Raw imports as stored: [count, then per import: specifier, line, kind, flags, level, names count, names…]. */
function packRaws(raws: readonly RawImport[], ints: IntWriter, id: (value: string) => number): boolean {
  ints.push(raws.length);
  for (const raw of raws) {
    if (!knownKeys(raw, RAW_KEYS)) return false;
    const flags = (raw.sideEffect ? 1 : 0) | (raw.names ? 2 : 0) | (raw.level !== undefined ? 4 : 0);
    ints.push(id(raw.specifier));
    ints.push(raw.line);
    ints.push(id(raw.kind));
    ints.push(flags);
    ints.push(raw.level ?? 0);
    ints.push(raw.names?.length ?? 0);
    for (const name of raw.names ?? []) ints.push(id(name));
  }
  return true;
}

/**
 * Raw imports are only read by the engine when a file is resolved again, which a memoised file
 * is not: they stay packed until something reads them (and are copied packed on the next save).
 * A class, not an object literal with a getter: thousands are made per load, and a literal's
 * getter is a new closure each time. Its own enumerable properties are those of the plain
 * result (`error` only when there is one); `imports` is an accessor, listed by toJSON.
 */
class PackedExtract implements ExtractResult {
  readonly #ints: Int32Array;
  readonly #strings: readonly string[];
  readonly #start: number;
  #imports: RawImport[] | undefined;

  constructor(ints: Int32Array, strings: readonly string[], start: number) {
    this.#ints = ints;
    this.#strings = strings;
    this.#start = start;
  }

  get imports(): RawImport[] {
    this.#imports ??= this.#unpack();
    return this.#imports;
  }

  toJSON(): ExtractResult {
    const { error } = this as ExtractResult;
    return error === undefined ? { imports: this.imports } : { imports: this.imports, error };
  }

  /** Copies the raw imports, still packed, with their strings re-indexed. */
  repack(ints: IntWriter, id: (value: string) => number): void {
    const from = this.#ints;
    const strings = this.#strings;
    let at = this.#start;
    const count = from[at++]!;
    ints.push(count);
    for (let r = 0; r < count; r++) {
      ints.push(id(strings[from[at]!]!));
      ints.push(from[at + 1]!);
      ints.push(id(strings[from[at + 2]!]!));
      ints.push(from[at + 3]!);
      ints.push(from[at + 4]!);
      const names = from[at + 5]!;
      ints.push(names);
      at += 6;
      for (let k = 0; k < names; k++) ints.push(id(strings[from[at++]!]!));
    }
  }

  #unpack(): RawImport[] {
    const ints = this.#ints;
    const strings = this.#strings;
    let at = this.#start;
    const raws: RawImport[] = [];
    for (let r = ints[at++]!; r > 0; r--) {
      const specifier = strings[ints[at]!]!;
      const line = ints[at + 1]!;
      const kind = strings[ints[at + 2]!] as ImportKind;
      const flags = ints[at + 3]!;
      const level = ints[at + 4]!;
      const names: string[] = [];
      for (let k = ints[at + 5]!, n = at + 6; k > 0; k--, n++) names.push(strings[ints[n]!]!);
      at += 6 + names.length;
      raws.push({
        specifier,
        line,
        kind,
        ...(flags & 1 ? { sideEffect: true as const } : {}),
        ...(flags & 2 ? { names } : {}),
        ...(flags & 4 ? { level } : {}),
      });
    }
    return raws;
  }
}

/** A packed result with an extraction error: `error` is then an own, enumerable property. */
class PackedExtractWithError extends PackedExtract {
  readonly error: ExtractError;

  constructor(ints: Int32Array, strings: readonly string[], start: number, error: ExtractError) {
    super(ints, strings, start);
    this.error = error;
  }
}

/**
 * A memo entry as decoded, with where its ints are (path to the end of its resolved imports)
 * in the state it came from: saved again unchanged, they are copied as they are.
 */
class DecodedEntry {
  readonly extracted: ExtractResult;
  readonly file: GraphFile;
  readonly #carried: Carried;
  readonly #start: number;
  readonly #end: number;

  constructor(extracted: ExtractResult, file: GraphFile, carried: Carried, start: number, end: number) {
    this.extracted = extracted;
    this.file = file;
    this.#carried = carried;
    this.#start = start;
    this.#end = end;
  }

  get carried(): Carried {
    return this.#carried;
  }

  get start(): number {
    return this.#start;
  }

  get end(): number {
    return this.#end;
  }
}

const EXTRACT_KEYS: ReadonlySet<string> = new Set(["imports", "error"]);
const RAW_KEYS: ReadonlySet<string> = new Set(["specifier", "line", "kind", "sideEffect", "names", "level"]);
const RESOLVED_KEYS: ReadonlySet<string> = new Set([
  "specifier",
  "line",
  "kind",
  "target",
  "external",
  "sideEffect",
]);

function knownKeys(value: object, keys: ReadonlySet<string>): boolean {
  for (const key in value) if (!keys.has(key)) return false;
  return true;
}

/**
 * What a run carries over from the state it loaded, so that saving after a small change does
 * not re-encode everything: the loaded string table is kept as the start of the new one (new
 * strings are appended), so the ints of every memo entry the engine took over unchanged (the
 * very object decoded) are copied as they are, and so are the string indexes of the stat
 * records the stat cache took over. Strings that fell out of use stay in the table until it
 * has grown by half since it was last written from scratch; then it is rebuilt.
 */
interface Carried {
  readonly strings: readonly string[];
  readonly ints: Int32Array;
  readonly fresh: number;
}

/** The loaded state the memo's entries come from (the engine copies the entries, not the map). */
function carriedFrom(memo: StoredMemo): Carried | null {
  for (const entry of memo.files.values()) {
    if (!(entry instanceof DecodedEntry)) continue;
    const { carried } = entry;
    return carried.strings.length > carried.fresh * 1.5 + 1024 ? null : carried;
  }
  return null;
}

/** Reads the int32 part in order; every index and count is checked against the data. */
class Reader {
  at = 0;
  readonly ints: Int32Array;
  readonly strings: readonly string[];

  constructor(ints: Int32Array, strings: readonly string[]) {
    this.ints = ints;
    this.strings = strings;
  }

  int(): number {
    if (this.at >= this.ints.length) throw new Error("truncated");
    return this.ints[this.at++]!;
  }

  str(): string {
    const value = this.strings[this.int()];
    if (typeof value !== "string") throw new Error("bad string index");
    return value;
  }

  strOrNull(): string | null {
    const i = this.int();
    return i === -1 ? null : this.stringAt(i);
  }

  private stringAt(i: number): string {
    const value = this.strings[i];
    if (typeof value !== "string") throw new Error("bad string index");
    return value;
  }
}

function decode(bytes: Buffer): { header: StoredHeader; state: WarmState } {
  if (bytes.toString("latin1", 0, 4) !== MAGIC) throw new Error("not a warm state file");
  const headerLength = bytes.readUInt32LE(4);
  const header = JSON.parse(bytes.toString("utf8", 8, 8 + headerLength)) as StoredHeader;
  if (header.format !== FORMAT) throw new Error("other format");
  const stringsEnd = 8 + headerLength + header.stringBytes;
  const strings = stringTable(header, bytes.toString("utf8", 8 + headerLength, stringsEnd));
  const floatsAt = Math.ceil(stringsEnd / 8) * 8;
  const intsAt = floatsAt + header.floats * 8;
  const tailAt = intsAt + header.ints * 4;
  const metricsAt = tailAt + header.tail;
  if (metricsAt + header.metricsFiles !== bytes.length) throw new Error("truncated");
  const tail = deserialize(bytes.subarray(tailAt, metricsAt)) as Tail;
  if (typeof tail !== "object" || tail === null) throw new Error("bad tail");
  const config = isConfigMemo(tail.config) ? tail.config : null;
  // Copies: the buffer's offset need not be aligned for typed-array views.
  const floats = new Float64Array(bytes.buffer.slice(bytes.byteOffset + floatsAt, bytes.byteOffset + intsAt));
  const ints = new Int32Array(bytes.buffer.slice(bytes.byteOffset + intsAt, bytes.byteOffset + tailAt));
  const reader = new Reader(ints, strings);
  const statCount = reader.int();
  if (statCount * STAT_NUMBERS !== floats.length) throw new Error("bad stats");
  const idsAt = reader.at;
  if (idsAt + 2 * statCount > ints.length) throw new Error("truncated");
  const paths: string[] = [];
  const values: string[] = [];
  for (let i = 0, at = idsAt; i < statCount; i++, at += 2) {
    paths.push(strings[ints[at]!] ?? badEntry());
    values.push(strings[ints[at + 1]!] ?? badEntry());
  }
  reader.at = idsAt + 2 * statCount;
  const ids = ints.subarray(idsAt, reader.at);
  const stats = new StatTable(paths, floats, values, { strings, ids });
  if (header.memo === null) return { header, state: { stats, memo: null, acc: null, config } };
  const blobs = new Map<string, string>();
  const blobCount = reader.int();
  if (reader.at + 2 * blobCount > ints.length) throw new Error("truncated");
  for (let n = 0, at = reader.at; n < blobCount; n++, at += 2)
    blobs.set(strings[ints[at]!] ?? badEntry(), strings[ints[at + 1]!] ?? badEntry());
  reader.at += 2 * Math.max(blobCount, 0);
  const reads = new Set<string>();
  for (let n = reader.int(); n > 0; n--) reads.add(reader.str());
  const fresh = typeof header.fresh === "number" ? header.fresh : strings.length;
  const files = decodeFiles(reader, fresh);
  let acc: StoredAcc | null = null;
  if (header.acc !== null) {
    const paths: string[] = [];
    for (let n = reader.int(); n > 0; n--) paths.push(reader.str());
    if (tail.acc === null || typeof tail.acc !== "object") throw new Error("no ACC result");
    const { findings, notices, stats: accStats } = tail.acc;
    if (!Array.isArray(findings) || !Array.isArray(notices) || typeof accStats !== "object")
      throw new Error("bad ACC result");
    const metrics =
      "metrics" in tail.acc ? tail.acc.metrics : lazyMetrics(bytes.slice(metricsAt), tail.acc.components);
    const { configKey, factsKey } = header.acc;
    acc = { configKey, factsKey, paths, findings, notices, metrics, stats: accStats };
  }
  if (reader.at !== ints.length) throw new Error("trailing data");
  const { maxBytes, maxNesting } = header.memo;
  return { header, state: { stats, memo: { blobs, reads, files, maxBytes, maxNesting }, acc, config } };
}

function stringTable(header: StoredHeader, joined: string): readonly string[] {
  if (Array.isArray(header.strings)) {
    if (!header.strings.every((value) => typeof value === "string")) throw new Error("bad string table");
    return header.strings;
  }
  if (typeof header.strings !== "number") throw new Error("no string table");
  const strings = header.strings === 0 ? [] : joined.split("\0");
  if (strings.length !== header.strings) throw new Error("bad string table");
  return strings;
}

function decodeFiles(
  reader: Reader,
  fresh: number,
): Map<string, { extracted: ExtractResult; file: GraphFile }> {
  // Indexes and counts are checked inline rather than through Reader's methods: this reads most
  // of the file's ints, once per process (unoptimized code, where every call counts).
  const { ints, strings } = reader;
  const end = ints.length;
  const size = strings.length;
  const files = new Map<string, { extracted: ExtractResult; file: GraphFile }>();
  const carried: Carried = { strings, ints, fresh };
  let at = reader.at;
  if (at >= end) badEntry();
  for (let n = ints[at++]!; n > 0; n--) {
    const start = at;
    if (at + 4 > end) badEntry(); // path, language, error and the raw imports' count
    const path = strings[ints[at]!] ?? badEntry();
    const language = (strings[ints[at + 1]!] ?? badEntry()) as Language;
    const error = ints[at + 2] === -1 ? null : (strings[ints[at + 2]!] ?? badEntry());
    at += 3;
    // Skipped over (bounds and string indexes checked), decoded only if read.
    const rawStart = at;
    for (let r = ints[at++]!; r > 0; r--) {
      if (at + 6 > end) badEntry();
      const names = ints[at + 5]!;
      const specifier = ints[at]!;
      const kind = ints[at + 2]!;
      if (specifier < 0 || specifier >= size || kind < 0 || kind >= size) badEntry();
      at += 6;
      if (names > 0 && at + names > end) badEntry();
      for (let k = 0; k < names; k++, at++) if (ints[at]! < 0 || ints[at]! >= size) badEntry();
    }
    if (at >= end) badEntry();
    const imports: ResolvedImport[] = [];
    for (let r = ints[at++]!; r > 0; r--) {
      if (at + 6 > end) badEntry();
      const specifier = strings[ints[at]!] ?? badEntry();
      const line = ints[at + 1]!;
      const kind = (strings[ints[at + 2]!] ?? badEntry()) as ImportKind;
      const sideEffect = ints[at + 3] === 1;
      const target = ints[at + 4] === -1 ? null : (strings[ints[at + 4]!] ?? badEntry());
      const external = ints[at + 5] === -1 ? null : (strings[ints[at + 5]!] ?? badEntry());
      at += 6;
      imports.push(
        sideEffect
          ? { specifier, line, kind, target, external, sideEffect: true }
          : { specifier, line, kind, target, external },
      );
    }
    const extracted =
      error === null
        ? new PackedExtract(ints, strings, rawStart)
        : new PackedExtractWithError(ints, strings, rawStart, JSON.parse(error) as ExtractError);
    files.set(path, new DecodedEntry(extracted, { path, language, imports }, carried, start, at));
  }
  reader.at = at;
  return files;
}

function badEntry(): never {
  throw new Error("bad memo entry");
}

const METRICS_KEYS: ReadonlySet<string> = new Set(["files", "components"]);

/** The serialized file metrics of each metrics object decoded, while its files are not read. */
const packedMetricsFiles = new WeakMap<AccMetrics, Uint8Array>();

/**
 * Metrics whose files (one object per graph file) are deserialized on first read: a re-check
 * whose graph did not change takes them over unread, and saves them back as they were.
 */
function lazyMetrics(bytes: Uint8Array, components: AccMetrics["components"]): AccMetrics {
  if (!Array.isArray(components)) throw new Error("bad metrics");
  let files: FileMetrics[] | undefined;
  const metrics: AccMetrics = {
    get files(): FileMetrics[] {
      if (files === undefined) {
        const read = deserialize(bytes) as unknown;
        if (!Array.isArray(read)) throw new Error("warm state: unreadable file metrics");
        files = read as FileMetrics[];
        packedMetricsFiles.delete(metrics);
      }
      return files;
    },
    components,
  };
  packedMetricsFiles.set(metrics, bytes);
  return metrics;
}

function isConfigMemo(value: unknown): value is ConfigMemo {
  if (typeof value !== "object" || value === null) return false;
  const memo = value as Record<string, unknown>;
  return typeof memo.key === "string" && typeof memo.config === "object" && memo.config !== null;
}

let fingerprint: string | undefined;

/** Replaced by a literal when the CLI is bundled; undeclared (typeof: "undefined") in the sources. */
declare const __MAESTRO_BUILD_ID__: string | undefined;

/**
 * The running engine's identity: the Node version and the bundle's build id, or (sources,
 * tsc build) the size and modification time of every module file of the tree, so that state
 * from other code is never reused.
 */
export function engineFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  // The bundle carries its build's identity (scripts/bundle-cli.ts): no files to stat.
  if (typeof __MAESTRO_BUILD_ID__ === "string") {
    fingerprint = `${process.version}\0${process.arch}\0${__MAESTRO_BUILD_ID__}`;
    return fingerprint;
  }
  const here = dirname(fileURLToPath(import.meta.url));
  // The bundle's chunks sit side by side; the sources and the tsc build are one tree above cli/.
  const root = basename(here) === "cli" ? dirname(here) : here;
  const hash = createHash("sha256").update(`${process.version}\0${process.arch}\0`);
  const walk = (folder: string, prefix: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    )) {
      const full = join(folder, entry.name);
      if (entry.isDirectory()) walk(full, `${prefix}${entry.name}/`);
      else if (/\.(?:[cm]?js|[cm]?ts)$/.test(entry.name)) {
        const stats = statSync(full);
        hash.update(`${prefix}${entry.name}\0${stats.size}\0${stats.mtimeMs}\0`);
      }
    }
  };
  walk(root, "");
  fingerprint = hash.digest("hex");
  return fingerprint;
}
