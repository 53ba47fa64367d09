/**
 * Import extraction spread over worker threads, one per core. It runs before the engine:
 * every selected source file whose result the extraction cache lacks is parsed in a worker
 * and its result put into the cache, so the engine (src/core, single-threaded and free of
 * I/O) finds every file already extracted and only resolves. Results are the ones the engine
 * would compute (same extractors, same cache keys); a file a worker cannot extract (binary,
 * invalid UTF-8, an extractor error) is left to the engine, which reports it as usual. Small
 * jobs stay on the main thread: starting workers costs more than it saves.
 */
import { availableParallelism } from "node:os";
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { DEFAULT_LANGUAGES } from "../core/acc/default-languages.ts";
import { DEFAULT_MAX_FILE_BYTES, extractionCacheKey, languageOfPath } from "../core/acc/graph.ts";
import type { ExtractionCache } from "../core/acc/model.ts";
import { createPathSelector } from "../core/acc/path-filter.ts";
import type { Snapshot } from "../core/snapshot.ts";
import type { ExtractAnswer, ExtractJob } from "./extract-worker.ts";

/** Below this many files to extract, one thread is faster than starting workers. */
export const MIN_PARALLEL_FILES = 200;
const BATCH_FILES = 64;

export interface ParallelExtractionOptions {
  readonly include?: readonly string[] | undefined;
  readonly exclude?: readonly string[] | undefined;
  readonly defaultExcludes?: boolean | undefined;
  /** Worker threads; default one per core. 0 or 1 file below MIN_PARALLEL_FILES: none. */
  readonly threads?: number | undefined;
  readonly minFiles?: number | undefined;
}

export interface ParallelExtractionStats {
  readonly pending: number;
  readonly extracted: number;
  readonly threads: number;
}

/** MAESTRO_THREADS=n caps the worker threads (1: extract on the main thread only). */
export function threadsFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const value = Number(env.MAESTRO_THREADS);
  return Number.isInteger(value) && value >= 1 ? value : undefined;
}

/** The files of `snapshots` the cache has no result for, each once. */
function pendingJobs(
  snapshots: readonly Snapshot[],
  cache: ExtractionCache,
  options: ParallelExtractionOptions,
): ExtractJob[] {
  const selected = createPathSelector(options);
  const jobs = new Map<string, ExtractJob>();
  for (const snapshot of snapshots) {
    for (const file of snapshot.files) {
      const language = languageOfPath(file.path);
      if (language === null || file.content.byteLength > DEFAULT_MAX_FILE_BYTES) continue;
      const family = language === "python" ? "python" : "typescript";
      const key = extractionCacheKey(language, DEFAULT_LANGUAGES[family].extractorVersion, file.blobSha);
      if (jobs.has(key) || !selected(file.path) || cache.get(key) !== undefined) continue;
      jobs.set(key, { key, path: file.path, language, content: file.content });
    }
  }
  return [...jobs.values()];
}

/** The worker module next to this one, in whatever form this one runs (.ts sources, .js build, .mjs bundle). */
function workerUrl(): URL {
  const extension = extname(fileURLToPath(import.meta.url));
  return new URL(`./extract-worker${extension}`, import.meta.url);
}

/**
 * Extracts the imports of every selected file of `snapshots` that `cache` lacks, in worker
 * threads, into `cache`. Never fails the analysis: if a worker dies, what it did not finish
 * is left for the engine to extract on the main thread.
 */
export async function extractInParallel(
  snapshots: readonly Snapshot[],
  cache: ExtractionCache,
  options: ParallelExtractionOptions = {},
): Promise<ParallelExtractionStats> {
  const jobs = pendingJobs(snapshots, cache, options);
  const wanted = options.threads ?? availableParallelism();
  const threads = Math.min(wanted, Math.ceil(jobs.length / BATCH_FILES));
  if (jobs.length < (options.minFiles ?? MIN_PARALLEL_FILES) || threads < 2) {
    return { pending: jobs.length, extracted: 0, threads: 0 };
  }
  const batches: ExtractJob[][] = [];
  for (let start = 0; start < jobs.length; start += BATCH_FILES)
    batches.push(jobs.slice(start, start + BATCH_FILES));
  let next = 0;
  let extracted = 0;
  const url = workerUrl();
  const runWorker = () =>
    new Promise<void>((resolve) => {
      const worker = new Worker(url);
      const send = () => {
        if (next >= batches.length) {
          void worker.terminate().then(() => resolve());
          return;
        }
        const batch = next++;
        worker.postMessage({ batch, jobs: batches[batch] });
      };
      worker.on("message", (answer: ExtractAnswer) => {
        for (const { key, result } of answer.results) cache.set(key, result);
        extracted += answer.results.length;
        send();
      });
      // A dead worker's unfinished batch is extracted by the engine on the main thread.
      worker.on("error", () => resolve());
      worker.on("exit", () => resolve());
      send();
    });
  await Promise.all(Array.from({ length: threads }, runWorker));
  return { pending: jobs.length, extracted, threads };
}
