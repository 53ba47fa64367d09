/**
 * The CLI's ExtractionCache: extraction results keyed by the engine's cache key (built
 * from the git blob SHA), kept in the user's cache directory (one subdirectory per analysed
 * folder, so one repository's run never compacts away another's entries) or in
 * MAESTRO_CACHE_DIR, so an unchanged file is never parsed twice across runs. Never inside
 * the analysed repository.
 *
 * One JSON-lines file, loaded whole at first lookup and appended to at the end. Each line is
 * validated when read: a truncated or foreign line is dropped, never trusted. The
 * directory carries its own `.gitignore` (`*`) so it never shows up as a change or gets
 * committed by accident.
 */

import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { basename, isAbsolute, join, resolve } from "node:path";
import type { ExtractionCache, ExtractResult } from "../core/acc/model.ts";
import { createHash } from "../core/hash.ts";

export const CACHE_APP_DIR = "maestro-hive";
const CACHE_FILE = "extract-v1.jsonl";
/** Rewrite the file without unused entries once it holds this many times the used ones. */
const COMPACT_RATIO = 3;
const COMPACT_MIN_ENTRIES = 2000;

const KINDS: ReadonlySet<string> = new Set(["import", "export", "require", "dynamic", "type"]);

/**
 * Validates one parsed line. Hand-written rather than a zod schema: it runs once per cached
 * file at every start (tens of thousands of lines), and this is several times faster.
 */
function asEntry(value: unknown): { k: string; v: ExtractResult } | null {
  if (!isRecord(value) || typeof value.k !== "string" || value.k === "" || !isRecord(value.v)) return null;
  const { imports, error } = value.v;
  if (!Array.isArray(imports) || !imports.every(isRawImport)) return null;
  if (error !== undefined && !(isRecord(error) && typeof error.message === "string")) return null;
  return { k: value.k, v: value.v as unknown as ExtractResult };
}

function isRawImport(value: unknown): boolean {
  if (!isRecord(value)) return false;
  if (
    typeof value.specifier !== "string" ||
    !Number.isInteger(value.line) ||
    !KINDS.has(value.kind as string)
  )
    return false;
  if (value.level !== undefined && !Number.isInteger(value.level)) return false;
  if (
    value.names !== undefined &&
    !(Array.isArray(value.names) && value.names.every((n) => typeof n === "string"))
  ) {
    return false;
  }
  return true;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export interface DiskCache extends ExtractionCache {
  readonly directory: string;
  /** Entries found on disk at open, and entries read or written during this run. */
  stats(): { loaded: number; hits: number; misses: number; added: number; dropped: number };
  /**
   * Writes what was added during this run (and compacts the file when it grew stale).
   * `keep`: keys still in use that this run did not read (results it took from elsewhere,
   * e.g. the warm state's graph memo): compaction keeps them.
   */
  flush(keep?: Iterable<string>): void;
  /**
   * This run will not look results up (get answers nothing and the file is not read): when
   * only a few files need extracting, parsing them is cheaper than reading the whole cache.
   * What they yield is still appended at flush.
   */
  skipLookups(): void;
}

/**
 * MAESTRO_CACHE_DIR when set (used as is), else `$XDG_CACHE_HOME/maestro-hive` (an absolute
 * XDG_CACHE_HOME only, as the XDG spec says) or `~/.cache/maestro-hive`, with one
 * subdirectory per analysed folder: its name plus a hash of its absolute path.
 */
export function cacheDirectory(dir: string, env: NodeJS.ProcessEnv): string {
  const configured = env.MAESTRO_CACHE_DIR?.trim();
  if (configured) return configured;
  const xdg = env.XDG_CACHE_HOME?.trim();
  const userCache = xdg && isAbsolute(xdg) ? xdg : join(env.HOME?.trim() || homedir(), ".cache");
  const absolute = resolve(dir);
  const tag = createHash("sha256").update(absolute).digest("hex").slice(0, 12);
  const name = basename(absolute).replace(/[^A-Za-z0-9._-]/g, "_") || "root";
  return join(userCache, CACHE_APP_DIR, `${name}-${tag}`);
}

/** Whether `directory` holds a cache file (else every file of a run gets extracted). */
export function hasCacheFile(directory: string): boolean {
  return existsSync(join(directory, CACHE_FILE));
}

/**
 * The cache of `directory`. The file is read on first use, not at open: a warm run whose
 * files all come from the graph memo never needs it.
 */
export function openDiskCache(directory: string): DiskCache {
  const file = join(directory, CACHE_FILE);
  const entries = new Map<string, ExtractResult>();
  let dropped = 0;
  let loaded: number | null = null;
  const load = (): void => {
    if (loaded !== null) return;
    if (existsSync(file)) {
      for (const line of readFileSync(file, "utf8").split("\n")) {
        if (line === "") continue;
        const parsed = parseLine(line);
        if (parsed) entries.set(parsed.k, parsed.v);
        else dropped++;
      }
    }
    loaded = entries.size;
  };
  const used = new Set<string>();
  /**
   * Results new to the file, as their lines: serialised when added, which during a parallel
   * extraction is while the main thread waits for the workers, not after them.
   */
  const added = new Map<string, string>();
  let hits = 0;
  let misses = 0;
  let lookups = true;

  return {
    directory,
    get(key) {
      if (!lookups) {
        misses++;
        return undefined;
      }
      load();
      const value = entries.get(key);
      if (value === undefined) misses++;
      else {
        hits++;
        used.add(key);
      }
      return value;
    },
    set(key, value) {
      if (!lookups) {
        added.set(key, serializeEntry(key, value)); // a duplicate line at worst; the last one wins at load
        return;
      }
      load();
      if (!entries.has(key)) added.set(key, serializeEntry(key, value));
      entries.set(key, value);
      used.add(key);
    },
    stats: () => {
      load();
      return { loaded: loaded ?? 0, hits, misses, added: added.size, dropped };
    },
    skipLookups() {
      lookups = false;
    },
    flush(keep = []) {
      if (added.size === 0 && dropped === 0) return;
      if (loaded === null) {
        prepareDirectory(directory);
        appendFileSync(file, [...added.values()].join(""));
        added.clear();
        return;
      }
      prepareDirectory(directory);
      for (const key of keep) if (entries.has(key)) used.add(key);
      const shouldCompact =
        dropped > 0 || (entries.size >= COMPACT_MIN_ENTRIES && entries.size > COMPACT_RATIO * used.size);
      if (shouldCompact) {
        const keepEntries = [...used].map((key) => [key, entries.get(key)!] as const);
        const temporary = `${file}.${process.pid}.tmp`;
        writeFileSync(temporary, serialize(keepEntries));
        renameSync(temporary, file);
      } else {
        // One write call: concurrent runs append whole batches, and a torn line is dropped at load.
        appendFileSync(file, [...added.values()].join(""));
      }
      added.clear();
      dropped = 0;
    },
  };
}

function prepareDirectory(directory: string): void {
  mkdirSync(directory, { recursive: true });
  const ignore = join(directory, ".gitignore");
  if (!existsSync(ignore)) writeFileSync(ignore, "# maestro-hive extraction cache; never commit it\n*\n");
}

function parseLine(line: string): { k: string; v: ExtractResult } | null {
  try {
    return asEntry(JSON.parse(line));
  } catch {
    return null;
  }
}

function serialize(entries: Iterable<readonly [string, ExtractResult]>): string {
  let text = "";
  for (const [k, v] of entries) text += serializeEntry(k, v);
  return text;
}

function serializeEntry(k: string, v: ExtractResult): string {
  return `${JSON.stringify({ k, v })}\n`;
}
