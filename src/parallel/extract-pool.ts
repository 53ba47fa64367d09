/**
 * Import extraction spread over worker threads, one per core (one only for mostly Python
 * files: PYTHON_THREADS; one per core but one while the main thread reads alongside). It
 * streams alongside the reading of the snapshot, before the engine: every selected source
 * file whose result the extraction cache lacks is parsed in a worker and its result put into
 * the cache, so the engine (src/core, single-threaded and free of I/O) finds every file
 * already extracted and only resolves. Results are the ones the engine
 * would compute (same extractors, same cache keys); a file a worker cannot extract (binary,
 * invalid UTF-8, an extractor error) is left to the engine, which reports it as usual. Small
 * jobs stay on the main thread: starting workers costs more than it saves. A file that can
 * read its contents again (a working-tree file) hands its bytes to the worker rather than
 * having them copied: the main thread no longer holds the whole tree's contents.
 */
import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import { DEFAULT_LANGUAGES } from "../core/acc/default-languages.ts";
import { DEFAULT_MAX_FILE_BYTES, extractionCacheKey, languageOfPath } from "../core/acc/graph.ts";
import type { ExtractionCache } from "../core/acc/model.ts";
import { createPathSelector } from "../core/acc/path-filter.ts";
import type { Snapshot, SnapshotFile } from "../core/snapshot.ts";
import type { ExtractAnswer, ExtractBatch, ExtractJob, WarmTypeScript } from "./extract-worker.ts";
import { hasExited, startExtractWorker, streamingWorkers } from "./extract-worker-start.ts";

export { threadsFromEnv } from "./extract-worker-start.ts";

/** Below this many files to extract, one thread is faster than starting workers. */
export const MIN_PARALLEL_FILES = 200;
const BATCH_FILES = 64;
/**
 * Workers for files that are mostly Python. Its tokenizer runs in JavaScript, and each thread
 * then costs about 50 MB (its own heap and runtime), which on a big package doubles the peak
 * memory, while one thread next to the main one is already several times faster than
 * import-linter. TypeScript/JavaScript parsing is native and takes every core.
 */
const PYTHON_THREADS = 1;
/** Batches a worker holds at once: it never waits for the next, and the rest stay for whoever is free. */
const MAX_IN_FLIGHT = 2;

export interface ParallelExtractionOptions {
  readonly include?: readonly string[] | undefined;
  readonly exclude?: readonly string[] | undefined;
  readonly defaultExcludes?: boolean | undefined;
  /**
   * Worker threads; default one per core (streaming: streamingWorkers()). 0 or 1 (or
   * files below MIN_PARALLEL_FILES): none.
   */
  readonly threads?: number | undefined;
  readonly minFiles?: number | undefined;
  /**
   * A worker the caller started early (startExtractWorker, TypeScript not warmed): the first
   * worker the stream starts is this one; terminated at finish if the stream starts none.
   */
  readonly started?: Worker | undefined;
}

export interface ParallelExtractionStats {
  readonly pending: number;
  readonly extracted: number;
  readonly threads: number;
}

/**
 * Extraction that starts while the snapshot is still being read: each file is offered as
 * soon as it is read, and once enough files are pending the workers start (their start-up,
 * loading the parser, overlaps the reading) and take batches as they fill.
 */
export interface StreamingExtraction {
  /** Whether a file at `path` would be extracted (unless cached): a supported source file the selection takes. */
  wants(path: string): boolean;
  /**
   * The paths the snapshot is about to offer, before any is read: when enough of them are
   * wanted, the workers start now rather than once that many are pending, so their start-up
   * overlaps the reading. For a cold cache only (a warm one may leave nothing to extract).
   */
  expect(paths: readonly string[]): void;
  /**
   * One file of a snapshot: queued for a worker unless it is cached, unselected or queued
   * already. A `rereadable` file's bytes move to the worker instead of being copied.
   */
  offer(file: SnapshotFile): void;
  /** Extracts whatever is still queued; resolves once every worker is done (or dead). */
  finish(): Promise<ParallelExtractionStats>;
  /**
   * Calls `listener` with the paths of every file a worker extracted (its result is in the
   * cache), those extracted so far at once, the later ones as their results arrive.
   */
  onExtracted(listener: (paths: readonly string[]) => void): void;
}

export function streamingExtraction(
  cache: ExtractionCache,
  options: ParallelExtractionOptions = {},
): StreamingExtraction {
  const stream = new ExtractionStream(cache, options);
  return {
    wants: (path) => stream.wants(path),
    expect: (paths) => stream.expect(paths),
    offer: (file) => stream.offer(file),
    finish: () => stream.finish(),
    onExtracted: (listener) => stream.onExtracted(listener),
  };
}

interface PoolWorker {
  readonly worker: Worker;
  inFlight: number;
  alive: boolean;
}

class ExtractionStream {
  private readonly selected: (path: string) => boolean;
  /** Worker threads to start: 0 extracts on the main thread. */
  private readonly wanted: number;
  /** Pending files before workers start: two batches at least, so one worker never runs alone. */
  private readonly startAt: number;
  /** Queued cache keys, each with the paths of the files that have those contents. */
  private readonly keys = new Map<string, string[]>();
  /** Buffers of queued files that can read their contents again: moved to the worker, not copied. */
  private readonly movable = new WeakSet<ArrayBuffer>();
  /** Paths whose results arrived before there was a listener. */
  private extractedPaths: string[] | undefined = [];
  private listener: ((paths: readonly string[]) => void) | undefined;
  private readonly queue: ExtractJob[][] = [];
  private filling: ExtractJob[] = [];
  private workers: PoolWorker[] = [];
  private started: Worker | undefined;
  private pending = 0;
  private pythonPending = 0;
  private extracted = 0;
  private batches = 0;
  private finishing = false;
  private allDone: (() => void) | undefined;

  private readonly cache: ExtractionCache;

  constructor(cache: ExtractionCache, options: ParallelExtractionOptions) {
    this.cache = cache;
    this.selected = createPathSelector(options);
    this.wanted = streamingWorkers(options.threads);
    this.startAt = Math.max(options.minFiles ?? MIN_PARALLEL_FILES, BATCH_FILES + 1);
    this.started = options.started;
  }

  wants(path: string): boolean {
    return languageOfPath(path) !== null && this.selected(path);
  }

  expect(paths: readonly string[]): void {
    if (this.workers.length > 0 || this.wanted < 1) return;
    let wanted = 0;
    let python = 0;
    for (const path of paths) {
      if (!this.wants(path)) continue;
      wanted++;
      if (languageOfPath(path) === "python") python++;
    }
    if (wanted >= this.startAt) this.startWorkers(python * 2 > wanted);
  }

  offer(file: SnapshotFile): void {
    const language = languageOfPath(file.path);
    if (language === null) return;
    const family = language === "python" ? "python" : "typescript";
    const key = extractionCacheKey(
      language,
      DEFAULT_LANGUAGES[family].extractorVersion,
      file.path,
      file.blobSha,
    );
    const sameContents = this.keys.get(key);
    if (sameContents !== undefined) {
      if (!sameContents.includes(file.path)) sameContents.push(file.path);
      return;
    }
    if (!this.selected(file.path) || this.cache.get(key) !== undefined) return;
    // Only now the contents: a snapshot may read them on first use (the CLI's stat cache).
    const content = file.content;
    if (content.byteLength > DEFAULT_MAX_FILE_BYTES) return;
    this.keys.set(key, [file.path]);
    this.pending++;
    if (language === "python") this.pythonPending++;
    if (file.rereadable === true && ownsBuffer(content)) this.movable.add(content.buffer);
    this.filling.push({ key, path: file.path, language, content });
    if (this.filling.length >= BATCH_FILES) this.enqueue();
  }

  async finish(): Promise<ParallelExtractionStats> {
    if (this.filling.length > 0) this.enqueue();
    void this.started?.terminate();
    this.started = undefined;
    if (this.workers.length === 0) return { pending: this.pending, extracted: 0, threads: 0 };
    const done = new Promise<void>((resolve) => {
      this.allDone = resolve;
    });
    this.finishing = true;
    this.dispatch();
    this.settleIfDone();
    await done;
    return { pending: this.pending, extracted: this.extracted, threads: this.workers.length };
  }

  onExtracted(listener: (paths: readonly string[]) => void): void {
    const soFar = this.extractedPaths ?? [];
    this.extractedPaths = undefined;
    this.listener = listener;
    if (soFar.length > 0) listener(soFar);
  }

  private enqueue(): void {
    this.queue.push(this.filling);
    this.filling = [];
    if (this.workers.length === 0 && this.wanted >= 1 && this.pending >= this.startAt)
      this.startWorkers(this.pythonPending * 2 > this.pending);
    if (this.workers.length > 0) this.dispatch();
  }

  private startWorkers(mostlyPython: boolean): void {
    const count = mostlyPython ? Math.min(this.wanted, PYTHON_THREADS) : this.wanted;
    this.workers = Array.from({ length: count }, () => {
      const entry: PoolWorker = { worker: this.adoptOrStart(mostlyPython), inFlight: 0, alive: true };
      entry.worker.on("message", (answer: ExtractAnswer) => {
        const paths: string[] = [];
        for (const { key, result } of answer.results) {
          this.cache.set(key, result);
          paths.push(...(this.keys.get(key) ?? []));
        }
        this.extracted += answer.results.length;
        entry.inFlight--;
        this.dispatch();
        // After handing out more work: the listener's work on the main thread overlaps it.
        if (this.listener !== undefined) this.listener(paths);
        else this.extractedPaths?.push(...paths);
        this.settleIfDone();
      });
      // A dead worker's unfinished batches are extracted by the engine on the main thread.
      const dead = () => {
        if (!entry.alive) return;
        entry.alive = false;
        entry.inFlight = 0;
        this.dispatch();
        this.settleIfDone();
      };
      entry.worker.on("error", dead);
      entry.worker.on("exit", dead);
      return entry;
    });
  }

  private adoptOrStart(mostlyPython: boolean): Worker {
    const started = this.started;
    this.started = undefined;
    // One that died already would never answer (its exit is past): a new one takes its place.
    if (started === undefined || hasExited(started)) return startExtractWorker(!mostlyPython);
    if (!mostlyPython) started.postMessage({ warmTypeScript: true } satisfies WarmTypeScript);
    return started;
  }

  /**
   * Hands queued batches to live workers with room: each holds at most MAX_IN_FLIGHT, and the
   * rest stay for whoever is free. A lone worker takes every batch at once: there is no one to
   * share them with, and while the main thread reads (synchronously) its answers wait, so a
   * capped worker would idle until the reading ends (`graph` on typeorm: it extracted 2 of 48
   * batches alongside the reading, the other 46 after it).
   */
  private dispatch(): void {
    const room = this.workers.filter((entry) => entry.alive).length === 1 ? Infinity : MAX_IN_FLIGHT;
    while (this.queue.length > 0) {
      let best: PoolWorker | undefined;
      for (const entry of this.workers) {
        if (!entry.alive || entry.inFlight >= room) continue;
        if (best === undefined || entry.inFlight < best.inFlight) best = entry;
      }
      if (best === undefined) return;
      best.inFlight++;
      const jobs = this.queue.shift()!;
      const transfer = new Set<ArrayBuffer>();
      for (const { content } of jobs)
        if (this.movable.has(content.buffer as ArrayBuffer)) transfer.add(content.buffer as ArrayBuffer);
      best.worker.postMessage({ batch: this.batches++, jobs } satisfies ExtractBatch, [...transfer]);
    }
  }

  private settleIfDone(): void {
    if (!this.workers.some((entry) => entry.alive)) this.queue.length = 0;
    if (!this.finishing || this.queue.length > 0) return;
    if (this.workers.some((entry) => entry.alive && entry.inFlight > 0)) return;
    for (const entry of this.workers) {
      if (!entry.alive) continue;
      entry.alive = false;
      void entry.worker.terminate();
    }
    this.allDone?.();
  }
}

/** Whether `content` spans the whole of its own ArrayBuffer (then moving the buffer moves only it). */
function ownsBuffer(content: Uint8Array): content is Uint8Array<ArrayBuffer> {
  return (
    content.buffer instanceof ArrayBuffer &&
    content.byteOffset === 0 &&
    content.byteLength === content.buffer.byteLength
  );
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
  // The snapshots are read already: the main thread only waits, so every core takes a worker.
  const extraction = streamingExtraction(cache, {
    ...options,
    threads: options.threads ?? availableParallelism(),
  });
  for (const snapshot of snapshots) for (const file of snapshot.files) extraction.offer(file);
  return extraction.finish();
}
