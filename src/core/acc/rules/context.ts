import type { ComponentMap } from "../components.ts";
import { formOf } from "../kinds.ts";
import type { GraphFile, ImportGraph, Language, ResolvedImport } from "../model.ts";
import { ProjectFacts } from "../project-facts.ts";

export interface PackageImport {
  readonly importer: number;
  readonly imported: ResolvedImport;
}

/**
 * The graph in the shape the rules need, built once per analysis: every path (graph
 * files and the files they import) gets an integer id in path order, so "smallest member"
 * and "sorted members" are plain integer order. `out[i]` holds the DISTINCT internal files
 * node i imports (self-imports dropped: a file cannot depend on itself), sorted, and
 * `outLine[i][k]` the line of the first import of `out[i][k]`. Every import kind counts,
 * type-only imports included: they are dependencies the code's author wrote.
 */
export interface AccContext {
  readonly names: readonly string[];
  readonly index: ReadonlyMap<string, number>;
  /** True for files of the graph; false for imported files outside it (json, excluded). */
  readonly isSource: readonly boolean[];
  readonly language: readonly (Language | null)[];
  readonly component: readonly (string | null)[];
  readonly out: readonly (readonly number[])[];
  readonly outLine: readonly (readonly number[])[];
  /** `outForms[i][k]`: the import forms (kinds.ts, one bit each) of every import of `out[i][k]`. */
  readonly outForms: readonly (readonly number[])[];
  /** External (package) imports per node, in line order. */
  readonly external: readonly (readonly ResolvedImport[])[];
  /** Every import of each graph file as the graph lists it (empty for other nodes). */
  readonly imports: readonly (readonly ResolvedImport[])[];
  readonly componentNames: readonly string[];
  /** Module names and manifests of the analysed snapshot. */
  readonly facts: ProjectFacts;
}

/**
 * `facts` default to what the node paths alone tell (no manifests): enough for graphs built
 * by hand; runAcc passes the facts of the snapshot.
 */
export function createAccContext(
  graph: ImportGraph,
  components: ComponentMap,
  facts?: ProjectFacts,
): AccContext {
  const names = nodeNames(graph);
  const index = new Map<string, number>();
  for (let i = 0; i < names.length; i++) index.set(names[i]!, i);
  const n = names.length;
  const isSource = new Array<boolean>(n).fill(false);
  const language = new Array<Language | null>(n).fill(null);
  const empty: readonly number[] = [];
  const out = new Array<readonly number[]>(n).fill(empty);
  const outLine = new Array<readonly number[]>(n).fill(empty);
  const outForms = new Array<readonly number[]>(n).fill(empty);
  const external = new Array<readonly ResolvedImport[]>(n).fill([]);
  const imports = new Array<readonly ResolvedImport[]>(n).fill([]);
  // Per-file de-duplication with a stamp array instead of a Map per file.
  const scratch = newScratch(n);
  for (const file of graph.files) {
    const from = index.get(file.path)!;
    isSource[from] = true;
    language[from] = file.language;
    const edges = fileEdges(file, from, index, scratch);
    out[from] = edges.out;
    outLine[from] = edges.outLine;
    outForms[from] = edges.outForms;
    imports[from] = file.imports;
    if (edges.external.length > 0) external[from] = edges.external;
  }
  const component = names.map((name) => components.componentOf(name));
  return {
    names,
    index,
    isSource,
    language,
    component,
    out,
    outLine,
    outForms,
    external,
    imports,
    componentNames: components.names,
    facts: facts ?? ProjectFacts.ofPaths(names),
  };
}

/**
 * Every graph file and every imported file, sorted. Graph files usually come sorted (buildGraph
 * sorts them) and nearly every target is a graph file, so only the few other targets are
 * sorted and merged in.
 */
function nodeNames(graph: ImportGraph): string[] {
  const files = graph.files.map((file) => file.path);
  let sorted = true;
  for (let i = 1; i < files.length && sorted; i++) sorted = files[i - 1]! < files[i]!;
  if (!sorted) files.sort(compare);
  const known = new Set(files);
  const extra = new Set<string>();
  for (const file of graph.files)
    for (const edge of file.imports)
      if (edge.target !== null && !known.has(edge.target)) extra.add(edge.target);
  if (extra.size === 0) return dedupeSorted(files);
  const others = [...extra].sort(compare);
  const merged: string[] = [];
  let i = 0;
  let k = 0;
  while (i < files.length || k < others.length) {
    if (k >= others.length || (i < files.length && files[i]! < others[k]!)) merged.push(files[i++]!);
    else merged.push(others[k++]!);
  }
  return dedupeSorted(merged);
}

/** A graph should not list a path twice; if it does, keep one node for it. */
function dedupeSorted(sorted: string[]): string[] {
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] === sorted[i - 1]) return sorted.filter((name, k) => k === 0 || name !== sorted[k - 1]);
  }
  return sorted;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface Scratch {
  /** stamp[to] === from while file `from` is read: `to` was seen already. */
  readonly stamp: Int32Array;
  readonly firstLine: Int32Array;
  readonly forms: Int32Array;
}

function newScratch(n: number): Scratch {
  return { stamp: new Int32Array(n).fill(-1), firstLine: new Int32Array(n), forms: new Int32Array(n) };
}

/** The distinct internal targets of one file (sorted, with the first import line of each) and its package imports. */
function fileEdges(
  file: GraphFile,
  from: number,
  index: ReadonlyMap<string, number>,
  { stamp, firstLine, forms }: Scratch,
): { out: number[]; outLine: number[]; outForms: number[]; external: ResolvedImport[] } {
  const targets: number[] = [];
  const packages: ResolvedImport[] = [];
  for (const edge of file.imports) {
    if (edge.target !== null) {
      const to = index.get(edge.target)!;
      if (to === from) continue;
      const form = 1 << formOf(edge, file.language);
      if (stamp[to] !== from) {
        stamp[to] = from;
        firstLine[to] = edge.line;
        forms[to] = form;
        targets.push(to);
      } else {
        if (edge.line < firstLine[to]!) firstLine[to] = edge.line;
        forms[to] = forms[to]! | form;
      }
    } else if (edge.external !== null) {
      packages.push(edge);
    }
  }
  targets.sort((a, b) => a - b);
  return {
    out: targets,
    outLine: targets.map((to) => firstLine[to]!),
    outForms: targets.map((to) => forms[to]!),
    external: packages,
  };
}

/**
 * The context of `graph` derived from `previous`, the context of a graph with the same
 * files in the same order (same component map), rebuilding only the entries of the files at
 * `changed` (indexes into graph.files). Equal to createAccContext(graph, …), or null when
 * the two graphs do not have the same nodes (a changed file imports a path the previous
 * graph did not know, or a file outside the graph is no longer imported by anyone).
 */
export function deriveAccContext(
  previous: AccContext,
  graph: ImportGraph,
  changed: readonly number[],
): AccContext | null {
  const n = previous.names.length;
  const out = previous.out.slice();
  const outLine = previous.outLine.slice();
  const outForms = previous.outForms.slice();
  const external = previous.external.slice();
  const imports = previous.imports.slice();
  const scratch = newScratch(n);
  for (const i of changed) {
    const file = graph.files[i]!;
    const from = previous.index.get(file.path);
    if (from === undefined || !previous.isSource[from] || previous.language[from] !== file.language)
      return null;
    for (const edge of file.imports)
      if (edge.target !== null && !previous.index.has(edge.target)) return null;
    const edges = fileEdges(file, from, previous.index, scratch);
    out[from] = edges.out;
    outLine[from] = edges.outLine;
    outForms[from] = edges.outForms;
    imports[from] = file.imports;
    external[from] = edges.external.length > 0 ? edges.external : [];
  }
  // Nodes outside the graph exist only because something imports them.
  const imported = new Uint8Array(n);
  for (const targets of out) for (let k = 0; k < targets.length; k++) imported[targets[k]!] = 1;
  for (let node = 0; node < n; node++) if (!previous.isSource[node] && imported[node] === 0) return null;
  return { ...previous, out, outLine, outForms, external, imports };
}
