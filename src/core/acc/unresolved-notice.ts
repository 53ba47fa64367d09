import type { Notice } from "../findings.ts";
import type { GraphFile, ResolvedImport } from "./model.ts";

export const UNRESOLVED_NOTICE_KIND = "unresolved-imports";

/**
 * Whether an import that reached no file looks like it meant one of the repository: nothing
 * resolved it, or it is a bare `@/…` / `~/…` alias no tsconfig `paths` maps (resolution
 * then names it a package, but no package is called that).
 */
export function looksInternal(edge: ResolvedImport): boolean {
  if (edge.target !== null) return false;
  if (edge.external === null) return true;
  return edge.external.startsWith("@/") || edge.external.startsWith("~/") || edge.external === "~";
}

/** Examples the notice names (file:line "specifier"). */
const EXAMPLES = 5;

/**
 * One notice counting the imports that resolve to no file and no package — a relative import
 * of a missing module, a missing submodule of an internal package, an unknown path alias:
 * imports that look internal but that no rule can judge. An `unresolvable` rule turns them
 * into findings; without one they are at least never dropped silently.
 */
export function unresolvedImportsNotice(files: readonly GraphFile[]): Notice | null {
  let count = 0;
  let inFiles = 0;
  const examples: string[] = [];
  for (const file of files) {
    let here = 0;
    for (const edge of file.imports) {
      if (!looksInternal(edge)) continue;
      here++;
      if (examples.length < EXAMPLES) examples.push(`${file.path}:${edge.line} "${edge.specifier}"`);
    }
    if (here > 0) inFiles++;
    count += here;
  }
  if (count === 0) return null;
  return {
    file: null,
    kind: UNRESOLVED_NOTICE_KIND,
    message: `${count} import${count === 1 ? "" : "s"} in ${inFiles} file${inFiles === 1 ? "" : "s"} ${count === 1 ? "resolves" : "resolve"} to no file and no package (rules cannot judge them; an \`unresolvable\` rule reports them): ${examples.join(", ")}${count > examples.length ? ` and ${count - examples.length} more` : ""}`,
  };
}
