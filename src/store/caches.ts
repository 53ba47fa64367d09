/**
 * The content-addressed caches in the database, keyed by git blob SHA:
 * - blob_cache: file contents, so a later snapshot fetches only blobs it has never seen.
 *   A blob known to be unanalysable (binary, Git LFS pointer) is kept as a marker with a
 *   negative size and no content, so it is never downloaded again either.
 * - extraction_cache: the engine's per-file import extraction, so an unchanged file is
 *   never parsed twice. The engine's key is `language:version:blobSha`; the row keeps
 *   `language:version` as extractor_version.
 */
import type { Kysely } from "kysely";
import { z } from "zod";
import type { ExtractionCache, ExtractResult } from "../core/acc/model.ts";
import type { SkipReason } from "../core/snapshot.ts";
import type { Database } from "./schema.ts";

const QUERY_CHUNK = 1000;
const INSERT_CHUNK = 200;

/** Size markers of blobs whose contents are not kept. */
const MARKER_SIZE: Partial<Record<SkipReason, number>> = { binary: -1, "lfs-pointer": -2 };
const MARKER_REASON = new Map<number, SkipReason>([
  [-1, "binary"],
  [-2, "lfs-pointer"],
]);

export type CachedBlob = { readonly content: Uint8Array } | { readonly skipped: SkipReason };

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function loadBlobs(
  db: Kysely<Database>,
  shas: Iterable<string>,
): Promise<Map<string, CachedBlob>> {
  const found = new Map<string, CachedBlob>();
  for (const part of chunks([...new Set(shas)], QUERY_CHUNK)) {
    const rows = await db
      .selectFrom("blob_cache")
      .select(["blob_sha", "content", "size"])
      .where("blob_sha", "in", part)
      .execute();
    for (const row of rows) {
      const reason = MARKER_REASON.get(row.size);
      found.set(row.blob_sha, reason ? { skipped: reason } : { content: new Uint8Array(row.content) });
    }
  }
  return found;
}

export interface BlobToCache {
  readonly sha: string;
  readonly content: Uint8Array;
  /** Set when the contents are not analysable; only a marker is stored then. */
  readonly skipped?: SkipReason | null;
}

/** Stores blobs (first writer wins: same SHA, same contents). Skips that are not markers are not stored. */
export async function saveBlobs(db: Kysely<Database>, blobs: readonly BlobToCache[]): Promise<void> {
  const rows = [];
  const seen = new Set<string>();
  for (const blob of blobs) {
    if (seen.has(blob.sha)) continue;
    seen.add(blob.sha);
    if (blob.skipped) {
      const size = MARKER_SIZE[blob.skipped];
      if (size !== undefined) rows.push({ blob_sha: blob.sha, content: new Uint8Array(), size });
    } else {
      rows.push({ blob_sha: blob.sha, content: blob.content, size: blob.content.byteLength });
    }
  }
  for (const part of chunks(rows, INSERT_CHUNK)) {
    await db
      .insertInto("blob_cache")
      .values(part)
      .onConflict((oc) => oc.column("blob_sha").doNothing())
      .execute();
  }
}

const extractResultSchema = z.object({
  imports: z.array(
    z.object({
      specifier: z.string(),
      line: z.number().int(),
      kind: z.enum(["import", "export", "require", "dynamic", "type"]),
      names: z.array(z.string()).optional(),
      level: z.number().int().optional(),
    }),
  ),
  error: z
    .object({ message: z.string(), line: z.number().optional(), column: z.number().optional() })
    .optional(),
});

export interface DatabaseExtractionCache extends ExtractionCache {
  /** Every entry known so far (loaded and added), e.g. to hand to an analysis child process. */
  readonly entries: ReadonlyMap<string, ExtractResult>;
  /** Entries computed during this analysis, not yet in the database. */
  readonly added: ReadonlyMap<string, ExtractResult>;
  stats(): { loaded: number; hits: number; misses: number; added: number };
}

/** Splits the engine's key `language:version:blobSha` into its row columns. */
function splitKey(key: string): { version: string; sha: string } | null {
  const colon = key.lastIndexOf(":");
  if (colon <= 0) return null;
  return { version: key.slice(0, colon), sha: key.slice(colon + 1) };
}

/** The extraction results stored for these blobs, as an ExtractionCache for analyze(). */
export async function loadExtractionCache(
  db: Kysely<Database>,
  shas: Iterable<string>,
): Promise<DatabaseExtractionCache> {
  const entries = new Map<string, ExtractResult>();
  for (const part of chunks([...new Set(shas)], QUERY_CHUNK)) {
    const rows = await db
      .selectFrom("extraction_cache")
      .select(["blob_sha", "extractor_version", "result"])
      .where("blob_sha", "in", part)
      .execute();
    for (const row of rows) {
      const parsed = extractResultSchema.safeParse(row.result);
      // A row of another shape (older format, manual edit) is ignored: the file is parsed again.
      if (parsed.success)
        entries.set(`${row.extractor_version}:${row.blob_sha}`, parsed.data as ExtractResult);
    }
  }
  const loaded = entries.size;
  const added = new Map<string, ExtractResult>();
  let hits = 0;
  let misses = 0;
  return {
    entries,
    added,
    get(key) {
      const value = entries.get(key);
      if (value === undefined) misses++;
      else hits++;
      return value;
    },
    set(key, value) {
      if (!entries.has(key)) added.set(key, value);
      entries.set(key, value);
    },
    stats: () => ({ loaded, hits, misses, added: added.size }),
  };
}

/** Writes back what the analysis extracted that the database did not have. */
export async function saveExtractionCache(
  db: Kysely<Database>,
  cache: DatabaseExtractionCache,
): Promise<number> {
  const rows = [];
  for (const [key, result] of cache.added) {
    const parts = splitKey(key);
    if (parts)
      rows.push({ blob_sha: parts.sha, extractor_version: parts.version, result: JSON.stringify(result) });
  }
  for (const part of chunks(rows, INSERT_CHUNK)) {
    await db
      .insertInto("extraction_cache")
      .values(part)
      .onConflict((oc) => oc.columns(["blob_sha", "extractor_version"]).doNothing())
      .execute();
  }
  return rows.length;
}
