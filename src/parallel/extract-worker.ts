/**
 * Worker thread of the extraction pool: receives batches of files, answers with the
 * extraction result of each one it could extract. A file that is binary, undecodable, nested
 * past the parser guard or makes the extractor throw gets no result, so the main thread looks
 * at it itself and reports it exactly as a single-threaded run would. The guards run here too:
 * a native parser crash in a worker thread would take the whole process down.
 */
import * as nodeModule from "node:module";
import { parentPort, workerData } from "node:worker_threads";
import { extractPython } from "../core/acc/languages/python.ts";
import type { ExtractResult, Language } from "../core/acc/model.ts";
import { decodeSource } from "../core/acc/source-text.ts";
import { looksBinary } from "../core/binary.ts";
import {
  DEFAULT_MAX_NESTING_DEPTH,
  javaScriptNestingExcess,
  pythonNestingExcess,
} from "../core/guards/nesting.ts";

export interface ExtractJob {
  readonly key: string;
  readonly path: string;
  readonly language: Language;
  readonly content: Uint8Array;
}

export interface ExtractWorkerData {
  /** The main thread's compile cache directory, if it has one: used here too (the parser loads later). */
  readonly compileCache: string | undefined;
  /**
   * Load the TypeScript extractor and parse once before the first batch arrives: a worker
   * started with the listing otherwise waits idle, then pays this (~15 ms: oxc's code, its
   * 6 GiB transfer buffer and the full GC V8 answers that allocation with) on the critical path.
   */
  readonly warmTypeScript?: boolean;
}

/** A batch of files to extract. */
export interface ExtractBatch {
  readonly batch: number;
  readonly jobs: ExtractJob[];
}

/** Sent to a worker started before its files' languages were known, once most are TypeScript. */
export interface WarmTypeScript {
  readonly warmTypeScript: true;
}

export interface ExtractAnswer {
  readonly batch: number;
  readonly results: { readonly key: string; readonly result: ExtractResult }[];
}

/**
 * Frees the bytes of a received file now rather than at the next full GC: this thread's copy,
 * decoded already, unless another file of the batch shares the buffer. Dead file copies would
 * otherwise pile up (tens of MB on a big package).
 */
function release(content: Uint8Array, shared: ReadonlySet<ArrayBufferLike>): void {
  // ArrayBuffer#transfer detaches (frees) the buffer; Node 20, which the build supports, lacks it.
  const buffer = content.buffer as ArrayBufferLike & { transfer?: (length: number) => ArrayBuffer };
  if (buffer instanceof ArrayBuffer && !shared.has(buffer) && content.byteLength === buffer.byteLength)
    buffer.transfer?.(0);
}

/** Buffers that back more than one file of the batch. */
function sharedBuffers(jobs: readonly ExtractJob[]): Set<ArrayBufferLike> {
  const seen = new Set<ArrayBufferLike>();
  const shared = new Set<ArrayBufferLike>();
  for (const job of jobs) {
    if (seen.has(job.content.buffer)) shared.add(job.content.buffer);
    seen.add(job.content.buffer);
  }
  return shared;
}

const { compileCache, warmTypeScript } = (workerData ?? {}) as Partial<ExtractWorkerData>;
if (compileCache !== undefined)
  (nodeModule as { enableCompileCache?: (directory: string) => unknown }).enableCompileCache?.(compileCache);

type Extractor = (path: string, source: string) => ExtractResult;

/** Loaded with the first TS/JS file (oxc-parser is native and big): a Python-only worker stays smaller. */
let typeScript: Promise<Extractor> | undefined;
const loadTypeScript = () =>
  (typeScript ??= import("../core/acc/languages/typescript.ts").then((module) => module.extractTypeScript));

/** Loads the parser and parses once. A failed load is left to the first batch, which meets it as before. */
const warmUpTypeScript = (): void => {
  loadTypeScript().then(
    (extractTypeScript) => extractTypeScript("warm-up.ts", ""),
    () => {},
  );
};
if (warmTypeScript === true) warmUpTypeScript();

function extract(
  job: ExtractJob,
  extractTypeScript: Extractor | undefined,
  shared: ReadonlySet<ArrayBufferLike>,
): ExtractResult | null {
  if (looksBinary(job.content)) return null;
  const decoded = decodeSource(job.content, job.language);
  release(job.content, shared);
  if ("unreadable" in decoded) return null;
  const source = decoded.text;
  const nested = job.language === "python" ? pythonNestingExcess : javaScriptNestingExcess;
  if (nested(source, DEFAULT_MAX_NESTING_DEPTH) !== null) return null;
  // The extractors of DEFAULT_LANGUAGES, imported directly: the worker loads no resolver.
  const extract = job.language === "python" ? extractPython : extractTypeScript;
  if (extract === undefined) return null;
  try {
    return extract(job.path, source);
  } catch {
    return null;
  }
}

parentPort?.on("message", async (message: ExtractBatch | WarmTypeScript) => {
  if ("warmTypeScript" in message) {
    warmUpTypeScript();
    return;
  }
  const needsTypeScript = message.jobs.some((job) => job.language !== "python");
  const extractTypeScript = needsTypeScript ? await loadTypeScript() : undefined;
  const shared = sharedBuffers(message.jobs);
  const results: ExtractAnswer["results"] = [];
  for (const job of message.jobs) {
    const result = extract(job, extractTypeScript, shared);
    if (result !== null) results.push({ key: job.key, result });
  }
  parentPort?.postMessage({ batch: message.batch, results } satisfies ExtractAnswer);
});
