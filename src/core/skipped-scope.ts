/**
 * Which skipped files (binary, too large, symlinks…) a configured stream would have read:
 * only those are worth a notice. A PNG under docs/ is outside every stream's scope; a
 * skipped `.ts` file inside `acc.include`, or a skipped `.feature` file, is not.
 */
import { languageOfPath } from "./acc/graph.ts";
import { createPathSelector } from "./acc/path-filter.ts";
import type { MaestroConfig } from "./config/schema.ts";
import type { SkippedFile } from "./snapshot.ts";

const FEATURE_FILE = /\.feature(?:\.md)?$/;

/** A submodule or a symlink may be a whole folder of sources: its path alone decides. */
function mayHoldSources(entry: SkippedFile): boolean {
  return entry.reason === "submodule" || entry.reason === "symlink" || languageOfPath(entry.path) !== null;
}

export function skippedInScope(
  skipped: readonly SkippedFile[],
  config: MaestroConfig,
  isConfigured: (stream: "acc" | "bdv") => boolean,
): SkippedFile[] {
  const readers: ((entry: SkippedFile) => boolean)[] = [];
  if (isConfigured("acc") && config.acc) {
    const selected = createPathSelector(config.acc);
    readers.push((entry) => mayHoldSources(entry) && selected(entry.path));
  }
  if (isConfigured("bdv") && config.bdv) {
    const globs = [...(config.bdv.features ?? []), ...(config.bdv.steps ?? [])];
    const named = globs.length > 0 ? createPathSelector({ include: globs }) : () => false;
    const specs = new Set(config.bdv.contracts.map((contract) => contract.spec));
    const outsideDefaultExcludes = createPathSelector({});
    readers.push(
      (entry) =>
        specs.has(entry.path) ||
        named(entry.path) ||
        (outsideDefaultExcludes(entry.path) && (FEATURE_FILE.test(entry.path) || mayHoldSources(entry))),
    );
  }
  return skipped.filter((entry) => readers.some((reads) => reads(entry)));
}
