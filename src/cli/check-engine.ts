/**
 * What `check` needs beyond reading the working tree: the config loader, the engine, the
 * parallel extraction and the reports. `check` imports it dynamically, after starting git,
 * so that loading this code (most of a run's start-up) overlaps with git listing the tree.
 */
import { DEFAULT_LANGUAGES } from "../core/acc/default-languages.ts";
import { extractionCacheKey, type GraphMemo } from "../core/acc/graph.ts";
import type { AnalysisResult } from "../core/analyze.ts";
import { renderHtml } from "../core/report/html.ts";
import { renderJson } from "../core/report/json.ts";
import { renderMarkdown } from "../core/report/markdown.ts";
import { renderSarif } from "../core/report/sarif.ts";
import { renderText } from "../core/report/text.ts";
import type { Format } from "./commands/check.ts";

export { DEFAULT_LANGUAGES } from "../core/acc/default-languages.ts";
export { languageOfPath } from "../core/acc/graph.ts";
export { analyze } from "../core/analyze.ts";
export { extractInParallel, threadsFromEnv } from "../parallel/extract-pool.ts";
export { openDiskCache } from "./disk-cache.ts";
export { formatConfigErrors, readProjectConfig } from "./project-config.ts";

export function render(
  result: AnalysisResult,
  format: Format,
  components: Readonly<Record<string, readonly string[]>> | undefined,
): string {
  switch (format) {
    case "html":
      return renderHtml(result, { components });
    case "json":
      return renderJson(result);
    case "sarif":
      return renderSarif(result);
    case "markdown":
      return renderMarkdown(result);
    case "text":
      return renderText(result);
  }
}

/** The extraction cache keys of the results `memo` holds (compaction must keep them). */
export function memoExtractionKeys(memo: GraphMemo | null): string[] {
  if (memo === null) return [];
  const keys: string[] = [];
  for (const [path, { file }] of memo.files) {
    const blob = memo.blobs.get(path);
    const family = file.language === "python" ? "python" : "typescript";
    if (blob !== undefined)
      keys.push(extractionCacheKey(file.language, DEFAULT_LANGUAGES[family].extractorVersion, blob));
  }
  return keys;
}
