/**
 * The analysis child process (started by AnalysisSandbox, never by hand): runs the pure engine
 * on requests from the parent and sends the results back. Before each file is parsed its path
 * goes to stdout with a synchronous write, so a native crash in the parser can be blamed on it.
 */
import { writeSync } from "node:fs";
import { policyFilesFrom } from "../core/acc/adopt/index.ts";
import type { ExtractionCache, ExtractResult } from "../core/acc/model.ts";
import { analyze } from "../core/analyze.ts";
import type { Snapshot } from "../core/snapshot.ts";
import { type AnalyseRequest, type ChildMessage, PARSED_LINE, PARSING_PREFIX } from "./protocol.ts";

function send(message: ChildMessage): void {
  process.send?.(message);
}

/** The cache the engine sees: the parent's entries; a miss means the file is parsed next. */
function announcingCache(
  entries: ReadonlyMap<string, ExtractResult>,
  pathOfBlob: ReadonlyMap<string, string>,
): ExtractionCache & { readonly added: Map<string, ExtractResult> } {
  const added = new Map<string, ExtractResult>();
  return {
    added,
    get(key) {
      const found = added.get(key) ?? entries.get(key);
      if (found === undefined) {
        const path = pathOfBlob.get(key.slice(key.lastIndexOf(":") + 1));
        if (path !== undefined) writeSync(1, `${PARSING_PREFIX}${JSON.stringify(path)}\n`);
      }
      return found;
    },
    set(key, value) {
      writeSync(1, `${PARSED_LINE}\n`);
      added.set(key, value);
    },
  };
}

function blobPaths(...snapshots: readonly (Snapshot | null | undefined)[]): Map<string, string> {
  const paths = new Map<string, string>();
  for (const snapshot of snapshots) {
    for (const file of snapshot?.files ?? [])
      if (!paths.has(file.blobSha)) paths.set(file.blobSha, file.path);
  }
  return paths;
}

async function handle(request: AnalyseRequest): Promise<void> {
  try {
    const cache = announcingCache(request.cache, blobPaths(request.input.head, request.input.base));
    const { policyTexts, ...input } = request.input;
    const policy = policyTexts ? policyFilesFrom(policyTexts) : null;
    const result = await analyze({ ...input, ...(policy ? { policy } : {}), extractionCache: cache });
    send({ type: "result", id: request.id, result, added: cache.added });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    send({ type: "error", id: request.id, message });
  }
}

process.on("message", (message: AnalyseRequest) => {
  if (message?.type === "analyse") void handle(message);
});
// The parent closing the channel (it stopped, or died) ends this process.
process.on("disconnect", () => process.exit(0));
send({ type: "ready" });
