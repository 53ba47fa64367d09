/**
 * What `check` needs beyond reading the working tree: the config loader, the engine, the
 * parallel extraction and the reports. `check` imports it dynamically, after starting git,
 * so that loading this code (most of a run's start-up) overlaps with git listing the tree.
 */

import { ComponentMap } from "../core/acc/components.ts";
import { DEFAULT_LANGUAGES } from "../core/acc/default-languages.ts";
import { createProjectFiles, extractionCacheKey, type GraphMemo } from "../core/acc/graph.ts";
import type { AccResult } from "../core/acc/index.ts";
import type { GraphFile } from "../core/acc/model.ts";
import { ProjectFacts } from "../core/acc/project-facts.ts";
import { type AccContext, createAccContext } from "../core/acc/rules/context.ts";
import type { AnalysisResult } from "../core/analyze.ts";
import type { AccConfig } from "../core/config/schema.ts";
import { renderHtml } from "../core/report/html.ts";
import { renderJson } from "../core/report/json.ts";
import { renderMarkdown } from "../core/report/markdown.ts";
import { renderSarif } from "../core/report/sarif.ts";
import { renderText } from "../core/report/text.ts";
import type { Snapshot } from "../core/snapshot.ts";
import type { Format } from "./commands/check.ts";

export { DEFAULT_LANGUAGES } from "../core/acc/default-languages.ts";
export { languageOfPath } from "../core/acc/graph.ts";
export { standardTransferFor } from "../core/acc/languages/ts-oxc.ts";
export { createPathSelector } from "../core/acc/path-filter.ts";
export { analyze } from "../core/analyze.ts";
export { extractInParallel } from "../parallel/extract-pool.ts";
export { openDiskCache } from "./disk-cache.ts";

import type { StoredAcc } from "./warm-state.ts";

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

/**
 * The extraction cache keys of the results `memo` holds (compaction must keep them), made as
 * they are iterated: only a compaction reads them, and a warm run that parsed a few files
 * only appends.
 */
export function* memoExtractionKeys(memo: GraphMemo | null): Generator<string> {
  if (memo === null) return;
  for (const [path, { file }] of memo.files) {
    const blob = memo.blobs.get(path);
    const family = file.language === "python" ? "python" : "typescript";
    if (blob !== undefined)
      yield extractionCacheKey(file.language, DEFAULT_LANGUAGES[family].extractorVersion, path, blob);
  }
}

/**
 * The ACC result a previous run stored, as analyze's `headPrevious`: its graph from the memo,
 * its rules context rebuilt only if something reads it (when the graph changed; with the same
 * config key, so the same components, and the same facts key, so equivalent project facts).
 */
export function restoredAcc(
  stored: StoredAcc | null,
  memo: GraphMemo,
  snapshot: Snapshot,
): { result: AccResult; configKey: string } | null {
  if (stored === null) return null;
  const files: GraphFile[] = [];
  for (const path of stored.paths) {
    const entry = memo.files.get(path);
    if (entry === undefined) return null;
    files.push(entry.file);
  }
  const graph = { files };
  let context: AccContext | undefined;
  const config = JSON.parse(stored.configKey) as AccConfig;
  const result = {
    graph,
    findings: stored.findings,
    notices: stored.notices,
    metrics: stored.metrics,
    stats: stored.stats,
    memo,
    factsKey: stored.factsKey,
    get context(): AccContext {
      context ??= createAccContext(
        graph,
        new ComponentMap(config.components),
        new ProjectFacts(createProjectFiles(snapshot.files), memo.blobs),
      );
      return context;
    },
  };
  return { result, configKey: stored.configKey };
}

/** What of the head's ACC result the next run can restore. */
export function storedAcc(result: AccResult, configKey: string): StoredAcc {
  const { findings, notices, metrics, stats, factsKey } = result;
  return {
    configKey,
    factsKey,
    paths: result.graph.files.map((file) => file.path),
    findings,
    notices,
    metrics,
    stats,
  };
}
