/** Default caps of a graph picture (graph-view.ts); on their own so the CLI's usage text loads nothing else. */
export const DEFAULT_MAX_NODES = 80;
export const DEFAULT_MAX_EDGES = 160;
