/**
 * What the app and an analysis child process say to each other. Requests and results cross
 * the IPC channel with Node's "advanced" serialisation (structured clone: Uint8Array, Map,
 * Set and Date survive); the file being parsed is announced on stdout, written synchronously,
 * so the parent knows it even when the parser then kills the process.
 */

import type { ExtractResult } from "../core/acc/model.ts";
import type { AnalysisResult } from "../core/analysis-result.ts";
import type { AnalyzeInput } from "../core/analyze.ts";

/** AnalyzeInput without what cannot cross a process boundary (functions, the live cache). */
export type SandboxInput = Omit<AnalyzeInput, "pause" | "clock" | "around" | "extractionCache" | "policy"> & {
  /** The policy files adoption reads (acc.adopt), read by the parent: path → text. */
  readonly policyTexts?: Readonly<Record<string, string>>;
};

export interface AnalyseRequest {
  readonly type: "analyse";
  readonly id: number;
  readonly input: SandboxInput;
  /** The extraction cache entries the parent loaded for these blobs. */
  readonly cache: ReadonlyMap<string, ExtractResult>;
}

export type ChildMessage =
  | { readonly type: "ready" }
  | {
      readonly type: "result";
      readonly id: number;
      readonly result: AnalysisResult;
      /** Extraction results computed in the child, for the parent's cache. */
      readonly added: ReadonlyMap<string, ExtractResult>;
    }
  | { readonly type: "error"; readonly id: number; readonly message: string };

/** A stdout line `<prefix><JSON path>` announces the file about to be parsed… */
export const PARSING_PREFIX = "maestro-sandbox:parsing:";
/** …and this line says its parse ended (it is no longer to blame for what follows). */
export const PARSED_LINE = "maestro-sandbox:parsed";
