/**
 * Pictures of the import graph that scale: files collapsed to components or to folders at a
 * depth, an optional focus (a file, folder or component and its neighbourhood), nodes
 * clustered by folder, violating edges marked, and hard caps on nodes and edges so Graphviz
 * and Mermaid can render the result (Mermaid refuses over 500 edges and 50,000 characters by
 * default; `dot` takes minutes on thousands of edges). What is left out is said in `notes`.
 */
import type { ImportGraph } from "../acc/model.ts";
import { createPathSelector } from "../acc/path-filter.ts";
import { DEFAULT_MAX_EDGES, DEFAULT_MAX_NODES } from "./graph-view-limits.ts";

export type Collapse =
  | { readonly kind: "files" }
  | { readonly kind: "depth"; readonly depth: number }
  | { readonly kind: "components"; readonly components: Readonly<Record<string, readonly string[]>> };

export interface GraphViewOptions {
  readonly collapse?: Collapse;
  /** A node (file, folder or component) or a folder prefix to centre on. */
  readonly focus?: string;
  /** Neighbourhood depth around the focus (default 1). */
  readonly depth?: number;
  /** File pairs `from\0to` that a rule reports (drawn red). */
  readonly violating?: ReadonlySet<string>;
  readonly maxNodes?: number;
  readonly maxEdges?: number;
}

export interface ViewNode {
  readonly id: string;
  /** Folder the node is drawn in (null: top level). */
  readonly cluster: string | null;
  readonly files: number;
}

export interface ViewEdge {
  readonly from: string;
  readonly to: string;
  /** File-level imports the edge stands for. */
  readonly count: number;
  readonly violating: boolean;
}

export interface GraphView {
  readonly nodes: readonly ViewNode[];
  readonly edges: readonly ViewEdge[];
  readonly notes: readonly string[];
}

export { DEFAULT_MAX_EDGES, DEFAULT_MAX_NODES } from "./graph-view-limits.ts";

const OTHER = "(other)";

export function violationKey(from: string, to: string): string {
  return `${from}\u0000${to}`;
}

export function buildGraphView(graph: ImportGraph, options: GraphViewOptions = {}): GraphView {
  const collapse = options.collapse ?? { kind: "files" };
  const nodeOf = nodeMapper(collapse);
  const files = new Map<string, number>();
  const edgeMap = new Map<string, { from: string; to: string; count: number; violating: boolean }>();
  const addNode = (path: string) => {
    const node = nodeOf(path);
    files.set(node, (files.get(node) ?? 0) + 1);
    return node;
  };
  const seen = new Set<string>();
  for (const file of graph.files) {
    if (!seen.has(file.path)) {
      seen.add(file.path);
      addNode(file.path);
    }
  }
  for (const file of graph.files) {
    const from = nodeOf(file.path);
    for (const imp of file.imports) {
      if (imp.target === null) continue;
      if (!seen.has(imp.target)) {
        seen.add(imp.target);
        addNode(imp.target);
      }
      const to = nodeOf(imp.target);
      if (from === to) continue;
      const key = violationKey(from, to);
      const edge = edgeMap.get(key) ?? { from, to, count: 0, violating: false };
      edge.count++;
      if (options.violating?.has(violationKey(file.path, imp.target))) edge.violating = true;
      edgeMap.set(key, edge);
    }
  }
  let nodeIds = [...files.keys()];
  let edges = [...edgeMap.values()];
  const notes: string[] = [];

  if (options.focus !== undefined) {
    const centre = nodeIds.filter(
      (id) => id === options.focus || id.startsWith(`${options.focus!.replace(/\/+$/, "")}/`),
    );
    if (centre.length === 0) notes.push(`nothing matches the focus "${options.focus}"`);
    const keep = neighbourhood(centre, edges, options.depth ?? 1);
    nodeIds = nodeIds.filter((id) => keep.has(id));
    edges = edges.filter((edge) => keep.has(edge.from) && keep.has(edge.to));
  }

  const maxNodes = options.maxNodes ?? DEFAULT_MAX_NODES;
  if (nodeIds.length > maxNodes) {
    const degree = new Map<string, number>();
    for (const edge of edges) {
      degree.set(edge.from, (degree.get(edge.from) ?? 0) + edge.count);
      degree.set(edge.to, (degree.get(edge.to) ?? 0) + edge.count);
    }
    const kept = [...nodeIds]
      .sort((a, b) => (degree.get(b) ?? 0) - (degree.get(a) ?? 0) || compare(a, b))
      .slice(0, maxNodes);
    notes.push(
      `showing ${maxNodes} of ${nodeIds.length} nodes (the most connected); use --collapse components, --collapse depth:N or --focus to see the rest`,
    );
    const keep = new Set(kept);
    nodeIds = nodeIds.filter((id) => keep.has(id));
    edges = edges.filter((edge) => keep.has(edge.from) && keep.has(edge.to));
  }
  const maxEdges = options.maxEdges ?? DEFAULT_MAX_EDGES;
  if (edges.length > maxEdges) {
    notes.push(
      `showing ${maxEdges} of ${edges.length} edges (violating ones first, then the heaviest); use --collapse or --focus to see the rest`,
    );
    edges = [...edges]
      .sort(
        (a, b) =>
          Number(b.violating) - Number(a.violating) ||
          b.count - a.count ||
          compare(a.from + a.to, b.from + b.to),
      )
      .slice(0, maxEdges);
  }
  const nodes = nodeIds.sort(compare).map((id) => ({
    id,
    cluster: collapse.kind === "components" || id === OTHER ? null : parentFolder(id),
    files: files.get(id) ?? 0,
  }));
  edges.sort((a, b) => compare(a.from, b.from) || compare(a.to, b.to));
  return { nodes, edges, notes };
}

function nodeMapper(collapse: Collapse): (path: string) => string {
  if (collapse.kind === "files") return (path) => path;
  if (collapse.kind === "depth") {
    return (path) => {
      const segments = path.split("/");
      segments.pop();
      return segments.length === 0 ? "(root)" : segments.slice(0, collapse.depth).join("/");
    };
  }
  const matchers = Object.entries(collapse.components).map(
    ([name, globs]) => [name, createPathSelector({ include: [...globs], defaultExcludes: false })] as const,
  );
  const cache = new Map<string, string>();
  return (path) => {
    let node = cache.get(path);
    if (node === undefined) {
      node = matchers.find(([, matches]) => matches(path))?.[0] ?? OTHER;
      cache.set(path, node);
    }
    return node;
  };
}

function neighbourhood(centre: readonly string[], edges: readonly ViewEdge[], depth: number): Set<string> {
  const adjacent = new Map<string, string[]>();
  for (const edge of edges) {
    adjacent.set(edge.from, [...(adjacent.get(edge.from) ?? []), edge.to]);
    adjacent.set(edge.to, [...(adjacent.get(edge.to) ?? []), edge.from]);
  }
  const keep = new Set(centre);
  let frontier = [...centre];
  for (let level = 0; level < depth; level++) {
    const next: string[] = [];
    for (const node of frontier)
      for (const other of adjacent.get(node) ?? [])
        if (!keep.has(other)) {
          keep.add(other);
          next.push(other);
        }
    frontier = next;
  }
  return keep;
}

function parentFolder(id: string): string | null {
  const slash = id.lastIndexOf("/");
  return slash < 0 ? null : id.slice(0, slash);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---- renderers ------------------------------------------------------------------------------

export function renderViewDot(view: GraphView): string {
  const lines = [
    "digraph imports {",
    "  rankdir=LR;",
    '  node [shape=box, fontname="Helvetica"];',
    ...view.notes.map((note) => `  // ${note.replace(/\n/g, " ")}`),
  ];
  const byCluster = new Map<string | null, ViewNode[]>();
  for (const node of view.nodes) byCluster.set(node.cluster, [...(byCluster.get(node.cluster) ?? []), node]);
  let index = 0;
  for (const [cluster, members] of byCluster) {
    const indent = cluster === null ? "  " : "    ";
    if (cluster !== null) lines.push(`  subgraph cluster_${index++} {`, `    label=${dotString(cluster)};`);
    for (const node of members)
      lines.push(`${indent}${dotString(node.id)} [label=${dotString(label(node))}];`);
    if (cluster !== null) lines.push("  }");
  }
  for (const edge of view.edges) {
    const attributes = [
      edge.count > 1 ? `label="${edge.count}"` : null,
      edge.violating ? 'color="red", penwidth=2' : null,
    ].filter((a) => a !== null);
    lines.push(
      `  ${dotString(edge.from)} -> ${dotString(edge.to)}${attributes.length > 0 ? ` [${attributes.join(", ")}]` : ""};`,
    );
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

export function renderViewMermaid(view: GraphView): string {
  const ids = new Map(view.nodes.map((node, i) => [node.id, `n${i}`] as const));
  const lines = ["graph LR", ...view.notes.map((note) => `  %% ${note.replace(/\n/g, " ")}`)];
  const byCluster = new Map<string | null, ViewNode[]>();
  for (const node of view.nodes) byCluster.set(node.cluster, [...(byCluster.get(node.cluster) ?? []), node]);
  let index = 0;
  for (const [cluster, members] of byCluster) {
    if (cluster !== null) lines.push(`  subgraph c${index++}["${mermaidLabel(cluster)}"]`);
    for (const node of members) lines.push(`    ${ids.get(node.id)}["${mermaidLabel(label(node))}"]`);
    if (cluster !== null) lines.push("  end");
  }
  const red: number[] = [];
  view.edges.forEach((edge, i) => {
    const arrow = edge.count > 1 ? `-->|${edge.count}|` : "-->";
    lines.push(`  ${ids.get(edge.from)} ${arrow} ${ids.get(edge.to)}`);
    if (edge.violating) red.push(i);
  });
  if (red.length > 0) lines.push(`  linkStyle ${red.join(",")} stroke:#d73a49,stroke-width:3px`);
  return `${lines.join("\n")}\n`;
}

function label(node: ViewNode): string {
  return node.files > 1 ? `${node.id} (${node.files})` : node.id;
}

function dotString(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** Quotes and angle brackets as entities; backticks too, so a name cannot close a ``` fence. */
function mermaidLabel(text: string): string {
  return text
    .replace(/"/g, "#quot;")
    .replace(/</g, "#lt;")
    .replace(/>/g, "#gt;")
    .replace(/`/g, "#96;")
    .replace(/[\r\n]/g, " ");
}

/** Importing file → imported file pairs ACC findings report (the direct import, or a chain's first hop). */
export function violatingPairs(
  findings: readonly {
    file: string | null;
    target: string | null;
    suppressed: boolean;
    chain?: readonly { file: string; target: string }[];
  }[],
): Set<string> {
  const pairs = new Set<string>();
  for (const finding of findings) {
    if (finding.suppressed || finding.file === null) continue;
    const hop = finding.chain?.[0];
    if (hop) pairs.add(violationKey(hop.file, hop.target));
    else if (finding.target !== null) pairs.add(violationKey(finding.file, finding.target));
  }
  return pairs;
}

export const MAX_COMMENT_COMPONENTS = 15;

/**
 * The sticky comment's picture: the components the change touches and the components they
 * import or are imported by, as Mermaid (GitHub renders it), violating edges red. Null when
 * the config has no components or the change touches none.
 */
export function componentDiagram(
  graph: ImportGraph | null,
  components: Readonly<Record<string, readonly string[]>>,
  changedFiles: readonly string[],
  violating: ReadonlySet<string>,
): string | null {
  if (graph === null || Object.keys(components).length === 0) return null;
  const collapse: Collapse = { kind: "components", components };
  const full = buildGraphView(graph, { collapse, violating, maxNodes: 10_000, maxEdges: 100_000 });
  const nodeOf = nodeMapper(collapse);
  const touched = new Set(changedFiles.map(nodeOf).filter((node) => full.nodes.some((n) => n.id === node)));
  touched.delete(OTHER);
  if (touched.size === 0) return null;
  const keep = new Set(touched);
  for (const edge of full.edges) {
    if (touched.has(edge.from)) keep.add(edge.to);
    if (touched.has(edge.to)) keep.add(edge.from);
  }
  const names = [...keep].sort((a, b) => Number(touched.has(b)) - Number(touched.has(a)) || compare(a, b));
  const shown = new Set(names.slice(0, MAX_COMMENT_COMPONENTS));
  const notes =
    names.length > shown.size ? [`${names.length - shown.size} more neighbouring components not shown`] : [];
  const view: GraphView = {
    nodes: full.nodes.filter((node) => shown.has(node.id)),
    edges: full.edges.filter((edge) => shown.has(edge.from) && shown.has(edge.to)),
    notes,
  };
  return renderViewMermaid(view);
}
