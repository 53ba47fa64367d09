/**
 * What `graph` needs beyond listing the working tree: the config loader, the import graph,
 * the parallel extraction and the JSON renderer. `graph` imports it dynamically, after starting
 * git, so that loading this code overlaps with git listing the tree (as check-engine.ts for
 * `check`). The rest of the engine (rules, for the views' red edges) and the views load only
 * for dot and mermaid (graph-view-engine.ts).
 */
export { importGraph, startImportGraph } from "../core/acc/graph-config.ts";
export { accSchema } from "../core/config/schema.ts";
export { renderGraphFileJson, renderGraphJson } from "../core/report/graph.ts";
export { streamingExtraction } from "../parallel/extract-pool.ts";
export { openDiskCache } from "./disk-cache.ts";
export { formatConfigErrors, readProjectConfig } from "./project-config.ts";

export const viewEngine = (): Promise<typeof import("./graph-view-engine.ts")> =>
  import("./graph-view-engine.ts");
