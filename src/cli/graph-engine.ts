/**
 * What `graph` needs beyond listing the working tree: the config loader, the engine, the
 * parallel extraction and the renderers. `graph` imports it dynamically, after starting git,
 * so that loading this code overlaps with git listing the tree (as check-engine.ts for `check`).
 */
export { analyze, importGraph, startImportGraph } from "../core/analyze.ts";
export { accSchema } from "../core/config/schema.ts";
export { renderGraphJson } from "../core/report/graph.ts";
export {
  buildGraphView,
  renderViewDot,
  renderViewMermaid,
  violatingPairs,
} from "../core/report/graph-view.ts";
export { streamingExtraction, threadsFromEnv } from "../parallel/extract-pool.ts";
export { cacheDirectory, openDiskCache } from "./disk-cache.ts";
export { formatConfigErrors, readProjectConfig } from "./project-config.ts";
