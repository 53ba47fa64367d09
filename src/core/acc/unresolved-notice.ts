/**
 * Imports that look internal (relative, `#` subpath imports, workspace packages, `@/` and
 * `~/` aliases) but resolve to no file of the repository: no rule can see them, so one
 * notice says how many there are and shows a few (the `unresolvable` rule makes them findings).
 */
import type { Notice } from "../findings.ts";
import type { ImportGraph, ResolvedImport } from "./model.ts";

export const UNRESOLVED_NOTICE_KIND = "unresolved-imports";

const MAX_EXAMPLES = 5;

/** Whether an import that reached no file looks like it meant one of the repository. */
export function looksInternal(edge: ResolvedImport): boolean {
  if (edge.target !== null) return false;
  if (edge.external === null) return true;
  return edge.external.startsWith("@/") || edge.external.startsWith("~/") || edge.external === "~";
}

export function unresolvedImportsNotice(graph: ImportGraph): Notice | null {
  let count = 0;
  let files = 0;
  const examples: string[] = [];
  for (const file of graph.files) {
    let inFile = 0;
    for (const edge of file.imports) {
      if (!looksInternal(edge)) continue;
      inFile++;
      if (examples.length < MAX_EXAMPLES) examples.push(`${file.path}:${edge.line} "${edge.specifier}"`);
    }
    if (inFile > 0) {
      count += inFile;
      files++;
    }
  }
  if (count === 0) return null;
  const more = count > examples.length ? `, and ${count - examples.length} more` : "";
  return {
    file: null,
    kind: UNRESOLVED_NOTICE_KIND,
    message:
      `${count} import${count === 1 ? "" : "s"} in ${files} file${files === 1 ? "" : "s"} look internal but resolve to no file of the repository, ` +
      `so no rule sees ${count === 1 ? "it" : "them"}: ${examples.join(", ")}${more} ` +
      "(an `unresolvable` rule makes them findings)",
  };
}
