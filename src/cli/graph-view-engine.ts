/** What `graph --format dot|mermaid` needs on top of graph-engine.ts: the views, and the engine for the rules. */
export { analyze } from "../core/analyze.ts";
export {
  buildGraphView,
  renderViewDot,
  renderViewMermaid,
  violatingPairs,
} from "../core/report/graph-view.ts";
