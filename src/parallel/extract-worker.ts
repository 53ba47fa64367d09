/**
 * Worker thread of the extraction pool: receives batches of files, answers with the
 * extraction result of each one it could extract. A file that is binary, not valid UTF-8 or
 * makes the extractor throw gets no result, so the main thread extracts it itself and reports
 * it exactly as a single-threaded run would.
 */
import { parentPort } from "node:worker_threads";
import { DEFAULT_LANGUAGES } from "../core/acc/default-languages.ts";
import { isBinary } from "../core/acc/graph.ts";
import type { ExtractResult, Language } from "../core/acc/model.ts";

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

const decoder = new TextDecoder("utf-8", { fatal: true });

function extract(job: ExtractJob): ExtractResult | null {
  if (isBinary(job.content)) return null;
  let source: string;
  try {
    source = decoder.decode(job.content);
  } catch {
    return null;
  }
  const support = DEFAULT_LANGUAGES[job.language === "python" ? "python" : "typescript"];
  try {
    return support.extract(job.path, source);
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
