/**
 * The snapshot `check`, `graph` and `init` analyse: the git working tree when DIR is inside
 * one, else the plain folder (its .gitignore files respected). `--base` needs git.
 */
import type { Snapshot } from "../core/snapshot.ts";
import { folderSnapshot } from "./folder-snapshot.ts";
import {
  commitSnapshot,
  GitError,
  gitRoot,
  listWorkingTree,
  resolveCommit,
  type TreeReading,
  type WorkingTreeListing,
  workingTreeSnapshot,
} from "./git-snapshot.ts";
import type { StatCache } from "./stat-cache.ts";

export interface LocalSnapshots {
  readonly head: Snapshot;
  readonly base: Snapshot | null;
  /** "git" for a work tree, "folder" for a plain directory. */
  readonly source: "git" | "folder";
}

/** How the head is read: hooks (git-snapshot.ts), and the listing when the caller started it already. */
export interface HeadReading extends TreeReading {
  /** listWorkingTree(dir), started early (say, while the command's code loads). */
  readonly listing?: Promise<WorkingTreeListing> | undefined;
}

/**
 * `statCache`: skip reading working-tree files whose stat data are unchanged (stat-cache.ts).
 * `reading.onFile` sees each file of the head (working tree or folder) as it is read; the
 * other hooks apply to a git work tree only.
 */
export async function localSnapshots(
  dir: string,
  baseRef?: string,
  statCache?: StatCache,
  reading: HeadReading = {},
): Promise<LocalSnapshots> {
  // Listing the tree also tells whether DIR is in a work tree (one git process fewer to start);
  // only when it fails does git say whether DIR is a work tree whose listing failed.
  const listing = reading.listing ?? listWorkingTree(dir);
  let failure: unknown = null;
  await listing.catch((error: unknown) => {
    failure = error;
  });
  if (failure !== null && !(failure instanceof GitError)) throw failure;
  if (failure !== null && !(await isGitWorkTree(dir))) {
    if (baseRef !== undefined)
      throw new GitError(`--base needs a git work tree, and ${dir} is not inside one`);
    return { head: folderSnapshot(dir, reading.onFile), base: null, source: "folder" };
  }
  const head = await workingTreeSnapshot(dir, statCache, listing, reading);
  const base =
    baseRef === undefined ? null : await commitSnapshot(dir, await resolveCommit(dir, baseRef), head);
  return { head, base, source: "git" };
}

async function isGitWorkTree(dir: string): Promise<boolean> {
  try {
    await gitRoot(dir);
    return true;
  } catch (error) {
    if (error instanceof GitError) return false;
    throw error;
  }
}
