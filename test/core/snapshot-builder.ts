/** In-memory snapshots for engine tests: real contents, real git blob SHAs. */
import { gitBlobSha } from "../../src/cli/git-snapshot.ts";
import type { Snapshot } from "../../src/core/snapshot.ts";

export function snapshotOf(files: Record<string, string>, commit: string | null = null): Snapshot {
  const encoder = new TextEncoder();
  return {
    commit,
    files: Object.entries(files)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([path, text]) => {
        const content = encoder.encode(text);
        return { path, blobSha: gitBlobSha(content), content };
      }),
    skipped: [],
  };
}
