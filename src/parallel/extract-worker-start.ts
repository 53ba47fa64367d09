/**
 * Starting one extraction worker thread, kept apart from the pool (extract-pool.ts) and its
 * imports so that a command can start a worker before it loads the pool and the engine:
 * `graph` on a cold cache does, and the worker's start-up (Node's own, ~70 ms, then the
 * parser's, ~100 ms) overlaps that loading instead of following it.
 */
import * as nodeModule from "node:module";
import { availableParallelism } from "node:os";
import { basename, dirname, extname } from "node:path";
import { fileURLToPath } from "node:url";
import type { Worker } from "node:worker_threads";
import type { ExtractWorkerData } from "./extract-worker.ts";

/**
 * Streaming, one worker per core but one: the main thread is busy all along (reading the
 * snapshot, then resolving each file as its result arrives), and a worker more than the free
 * cores only shares them. On 2 cores one worker keeps pace with the reading (`graph` on
 * typeorm, 3,300 files: 15% less CPU than two, wall time no worse); on one core the main
 * thread extracts alone.
 */
export function streamingWorkerThreads(): number {
  return availableParallelism() - 1;
}

/** MAESTRO_THREADS=n caps the worker threads (1: extract on the main thread only). */
export function threadsFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const value = Number(env.MAESTRO_THREADS);
  return Number.isInteger(value) && value >= 1 ? value : undefined;
}

/**
 * The workers a streaming extraction with `threads` (threadsFromEnv) starts: the default per
 * core, or that many; an explicit 1 keeps everything on the main thread (MAESTRO_THREADS=1).
 */
export function streamingWorkers(threads: number | undefined): number {
  if (threads === undefined) return Math.max(0, streamingWorkerThreads());
  return threads >= 2 ? threads : 0;
}

/** Whether a streaming extraction with `threads` (threadsFromEnv) starts any worker at all. */
export function streamingStartsWorkers(threads: number | undefined): boolean {
  return streamingWorkers(threads) >= 1;
}

/**
 * Node's compile cache directory when this thread uses one (the CLI's launcher turns it on):
 * a worker thread does not inherit it, and would otherwise compile the parser's big
 * JavaScript (oxc's raw-transfer deserializer) afresh on every run.
 */
function compileCacheDirectory(): string | undefined {
  // Node 22.8+; the compiled build also runs on Node 20, which lacks it.
  const module = nodeModule as { getCompileCacheDir?: () => string | undefined };
  const directory = module.getCompileCacheDir?.();
  // It names the directory with Node's version appended, which enableCompileCache appends again.
  return directory !== undefined && basename(directory).startsWith(`v${process.versions.node}-`)
    ? dirname(directory)
    : directory;
}

/** The worker module next to this one, in whatever form this one runs (.ts sources, .js build, .mjs bundle). */
function workerUrl(): URL {
  const extension = extname(fileURLToPath(import.meta.url));
  return new URL(`./extract-worker${extension}`, import.meta.url);
}

/**
 * A new extraction worker. `warmTypeScript`: it loads the TypeScript parser at once (else at
 * its first TypeScript batch, or when sent WARM_TYPESCRIPT).
 */
export function startExtractWorker(warmTypeScript: boolean): Worker {
  const workerData: ExtractWorkerData = { compileCache: compileCacheDirectory(), warmTypeScript };
  // Loaded here, not imported: a run that starts no worker (a few files) skips it (~8 ms).
  const { Worker } = process.getBuiltinModule("node:worker_threads");
  const worker = new Worker(workerUrl(), { workerData });
  // A worker started early may fail before the pool listens: its error must not be an uncaught
  // exception. The pool learns of the death from `exit`, or, if it came first, from hasExited.
  worker.on("error", () => {});
  return worker;
}

/** Whether `worker` has stopped running (Node sets its threadId to -1 then). */
export function hasExited(worker: Worker): boolean {
  return worker.threadId < 0;
}
