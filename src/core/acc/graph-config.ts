/**
 * The import graph of a snapshot under an ACC config, apart from the rest of the engine
 * (analyze.ts re-exports it): `maestro-hive graph --format json` needs nothing else.
 */
import type { AccConfig } from "../config/schema.ts";
import type { Notice } from "../findings.ts";
import type { Snapshot } from "../snapshot.ts";
import { DEFAULT_LANGUAGES } from "./default-languages.ts";
import { type GraphStats, type IncrementalGraph, incrementalGraph } from "./graph.ts";
import type { ExtractionCache, ImportGraph } from "./model.ts";

/**
 * The import graph of one snapshot with the config's include/exclude (the default ACC
 * config when there is none), for `maestro-hive graph`: the same extraction and
 * resolution as the ACC stream, without rules.
 */
export function importGraph(
  snapshot: Snapshot,
  acc: AccConfig,
  extractionCache?: ExtractionCache,
): { readonly graph: ImportGraph; readonly notices: readonly Notice[]; readonly stats: GraphStats } {
  return startImportGraph(snapshot, acc, extractionCache).finish();
}

/** `importGraph` with files resolved one at a time as their extraction lands in the cache (`add`), the rest at `finish`. */
export function startImportGraph(
  snapshot: Snapshot,
  acc: AccConfig,
  extractionCache?: ExtractionCache,
): IncrementalGraph {
  return incrementalGraph(snapshot, {
    include: acc.include,
    exclude: acc.exclude,
    defaultExcludes: acc.defaultExcludes,
    languages: DEFAULT_LANGUAGES,
    ...(extractionCache ? { extractionCache } : {}),
  });
}
