/**
 * `maestro-hive graph` formats. JSON is exactly the design's contract:
 * `{ files: [ { path, language, imports: [ { specifier, line, kind, target, external } ] } ] }`,
 * plus `kinds` on each import: the import kinds rules filter on (acc/kinds.ts).
 * DOT and Mermaid draw one node per file and one edge per distinct (file, target) pair;
 * external packages are drawn as separate, dashed nodes.
 */
import { kindsOf } from "../acc/kinds.ts";
import type { GraphFile, ImportGraph } from "../acc/model.ts";

/**
 * `files` may hold some files already rendered (renderGraphFileJson): `graph` renders each file
 * as soon as it is resolved, while the extraction workers still run, not all at the end.
 */
export function renderGraphJson(graph: ImportGraph, rendered?: ReadonlyMap<GraphFile, string>): string {
  if (graph.files.length === 0) return `${JSON.stringify({ files: [] }, null, 2)}\n`;
  const parts = graph.files.map((file) => rendered?.get(file) ?? renderGraphFileJson(file));
  return `{\n  "files": [\n    ${parts.join(",\n    ")}\n  ]\n}\n`;
}

/**
 * One element of the `files` array of renderGraphJson, indented as it is there: what
 * `JSON.stringify({ files }, null, 2)` writes for it.
 */
export function renderGraphFileJson(file: GraphFile): string {
  const json = {
    path: file.path,
    language: file.language,
    imports: file.imports.map((imp) => ({
      specifier: imp.specifier,
      line: imp.line,
      kind: imp.kind,
      kinds: kindsOf(imp, file.language),
      target: imp.target,
      external: imp.external,
    })),
  };
  // Two levels down, as in the whole graph: `[\n  [\n    {…}\n  ]\n]` without its brackets.
  const nested = JSON.stringify([[json]], null, 2);
  return nested.slice(NESTING_OPEN.length, -NESTING_CLOSE.length);
}

const NESTING_OPEN = "[\n  [\n    ";
const NESTING_CLOSE = "\n  ]\n]";

interface Edges {
  readonly nodes: string[];
  readonly packages: string[];
  readonly internal: [string, string][];
  readonly external: [string, string][];
}

function edges(graph: ImportGraph): Edges {
  const nodes = new Set<string>();
  const packages = new Set<string>();
  const internal = new Map<string, [string, string]>();
  const external = new Map<string, [string, string]>();
  for (const file of graph.files) {
    nodes.add(file.path);
    for (const imp of file.imports) {
      if (imp.target !== null) {
        nodes.add(imp.target);
        internal.set(`${file.path}\u0000${imp.target}`, [file.path, imp.target]);
      } else if (imp.external !== null) {
        packages.add(imp.external);
        external.set(`${file.path}\u0000${imp.external}`, [file.path, imp.external]);
      }
    }
  }
  return {
    nodes: [...nodes],
    packages: [...packages].sort(),
    internal: [...internal.values()],
    external: [...external.values()],
  };
}

export function renderGraphDot(graph: ImportGraph): string {
  const { nodes, packages, internal, external } = edges(graph);
  const lines = ["digraph imports {", "  rankdir=LR;", '  node [shape=box, fontname="Helvetica"];'];
  for (const node of nodes) lines.push(`  ${dotString(node)};`);
  for (const pkg of packages)
    lines.push(`  ${dotString(`package:${pkg}`)} [style=dashed, label=${dotString(pkg)}];`);
  for (const [from, to] of internal) lines.push(`  ${dotString(from)} -> ${dotString(to)};`);
  for (const [from, pkg] of external)
    lines.push(`  ${dotString(from)} -> ${dotString(`package:${pkg}`)} [style=dashed];`);
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

export function renderGraphMermaid(graph: ImportGraph): string {
  const { nodes, packages, internal, external } = edges(graph);
  const ids = new Map<string, string>();
  const lines = ["graph LR"];
  nodes.forEach((node, index) => {
    ids.set(node, `f${index}`);
    lines.push(`  f${index}["${mermaidLabel(node)}"]`);
  });
  packages.forEach((pkg, index) => {
    ids.set(`package:${pkg}`, `p${index}`);
    lines.push(`  p${index}(["${mermaidLabel(pkg)}"])`);
  });
  for (const [from, to] of internal) lines.push(`  ${ids.get(from)} --> ${ids.get(to)}`);
  for (const [from, pkg] of external) lines.push(`  ${ids.get(from)} -.-> ${ids.get(`package:${pkg}`)}`);
  return `${lines.join("\n")}\n`;
}

function dotString(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** Mermaid labels in double quotes take entity codes for quotes and angle brackets. */
function mermaidLabel(text: string): string {
  return text.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");
}
