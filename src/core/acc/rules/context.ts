import type { ComponentMap } from "../components.ts";
import type { ImportGraph, Language, ResolvedImport } from "../model.ts";

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
  /** External (package) imports per node, in line order. */
  readonly external: readonly (readonly ResolvedImport[])[];
  readonly componentNames: readonly string[];
}

export function createAccContext(graph: ImportGraph, components: ComponentMap): AccContext {
  const pathSet = new Set<string>();
  for (const file of graph.files) {
    pathSet.add(file.path);
    for (const edge of file.imports) if (edge.target !== null) pathSet.add(edge.target);
  }
  const names = [...pathSet].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const index = new Map(names.map((name, i) => [name, i]));
  const n = names.length;
  const isSource = new Array<boolean>(n).fill(false);
  const language = new Array<Language | null>(n).fill(null);
  const empty: readonly number[] = [];
  const out = new Array<readonly number[]>(n).fill(empty);
  const outLine = new Array<readonly number[]>(n).fill(empty);
  const external = new Array<readonly ResolvedImport[]>(n).fill([]);
  // Per-file de-duplication with a stamp array instead of a Map per file.
  const stamp = new Int32Array(n).fill(-1);
  const firstLine = new Int32Array(n);
  for (const file of graph.files) {
    const from = index.get(file.path)!;
    isSource[from] = true;
    language[from] = file.language;
    const targets: number[] = [];
    const packages: ResolvedImport[] = [];
    for (const edge of file.imports) {
      if (edge.target !== null) {
        const to = index.get(edge.target)!;
        if (to === from) continue;
        if (stamp[to] !== from) {
          stamp[to] = from;
          firstLine[to] = edge.line;
          targets.push(to);
        } else if (edge.line < firstLine[to]!) {
          firstLine[to] = edge.line;
        }
      } else if (edge.external !== null) {
        packages.push(edge);
      }
    }
    targets.sort((a, b) => a - b);
    out[from] = targets;
    outLine[from] = targets.map((to) => firstLine[to]!);
    if (packages.length > 0) external[from] = packages;
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
    external,
    componentNames: components.names,
  };
}
