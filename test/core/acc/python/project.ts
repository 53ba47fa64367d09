/** Test helpers: an in-memory ProjectFiles, and a whole project's extracted + resolved imports. */
import { extractPython, isPythonPath } from "../../../../src/core/acc/languages/python.ts";
import type { ProjectFiles } from "../../../../src/core/acc/model.ts";
import { createPythonResolver } from "../../../../src/core/acc/resolve/python.ts";

export function projectFiles(files: Readonly<Record<string, string>>): ProjectFiles {
  const contents = new Map(Object.entries(files));
  return {
    paths: [...contents.keys()],
    has: (path) => contents.has(path),
    read: (path) => contents.get(path),
  };
}

/** [line, kind, specifier, target, external] */
export type Edge = [number, string, string, string | null, string | null];

/** Every Python file of the project with its resolved imports (files without imports left out). */
export function resolveProject(files: Readonly<Record<string, string>>): Record<string, Edge[]> {
  const project = projectFiles(files);
  const resolve = createPythonResolver(project);
  const graph: Record<string, Edge[]> = {};
  for (const path of project.paths) {
    if (!isPythonPath(path)) continue;
    const extracted = extractPython(path, files[path] ?? "");
    if (extracted.error !== undefined) throw new Error(`${path}: ${extracted.error.message}`);
    const edges = extracted.imports.flatMap((raw) =>
      resolve(path, raw).map((e): Edge => [e.line, e.kind, e.specifier, e.target, e.external]),
    );
    if (edges.length > 0) graph[path] = edges;
  }
  return graph;
}
