/**
 * Worker thread of the extraction pool: receives batches of files, answers with the
 * extraction result of each one it could extract. A file that is binary, undecodable, nested
 * past the parser guard or makes the extractor throw gets no result, so the main thread looks
 * at it itself and reports it exactly as a single-threaded run would. The guards run here too:
 * a native parser crash in a worker thread would take the whole process down.
 */
import { parentPort } from "node:worker_threads";
import { extractPython } from "../core/acc/languages/python.ts";
import { extractTypeScript } from "../core/acc/languages/typescript.ts";
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

export interface ExtractAnswer {
  readonly batch: number;
  readonly results: { readonly key: string; readonly result: ExtractResult }[];
}

function extract(job: ExtractJob): ExtractResult | null {
  if (looksBinary(job.content)) return null;
  const decoded = decodeSource(job.content, job.language);
  if ("unreadable" in decoded) return null;
  const source = decoded.text;
  const nested = job.language === "python" ? pythonNestingExcess : javaScriptNestingExcess;
  if (nested(source, DEFAULT_MAX_NESTING_DEPTH) !== null) return null;
  // The extractors of DEFAULT_LANGUAGES, imported directly: the worker loads no resolver.
  const extract = job.language === "python" ? extractPython : extractTypeScript;
  try {
    return extract(job.path, source);
  } catch {
    return null;
  }
}

parentPort?.on("message", (message: { batch: number; jobs: ExtractJob[] }) => {
  const results: ExtractAnswer["results"] = [];
  for (const job of message.jobs) {
    const result = extract(job);
    if (result !== null) results.push({ key: job.key, result });
  }
  parentPort?.postMessage({ batch: message.batch, results } satisfies ExtractAnswer);
});
