/**
 * A snapshot is one commit of a repository as the engine sees it: repo-relative paths
 * with their git blob SHA and contents. The app builds it from the GitHub API, the CLI
 * from a local git checkout; the engine never reads anything else.
 */

import { looksBinary } from "./binary.ts";
import { createHash } from "./hash.ts";

export { looksBinary } from "./binary.ts";

export interface SnapshotFile {
  /** Repo-relative POSIX path, no leading "./" or "/". */
  readonly path: string;
  /** Git blob SHA of the contents; the key of every content-addressed cache. */
  readonly blobSha: string;
  readonly content: Uint8Array;
  /**
   * `content` reads the file again (from disk) once its buffer has been transferred to another
   * thread: the extraction pool then moves the bytes to its worker instead of copying them.
   */
  readonly rereadable?: true;
}

export type SkipReason = "binary" | "too-large" | "lfs-pointer" | "submodule" | "symlink" | "invalid-utf8";

export interface SkippedFile {
  readonly path: string;
  readonly reason: SkipReason;
}

export interface Snapshot {
  /** Commit SHA, or null for a working tree. */
  readonly commit: string | null;
  readonly files: readonly SnapshotFile[];
  /** Entries left out before analysis, counted in reports. */
  readonly skipped: readonly SkippedFile[];
}

/** Files above this size are not analysed (generated bundles, data dumps). */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;
const LFS_POINTER = new TextEncoder().encode("version https://git-lfs.github.com/spec/v1");

/** git blob SHA-1 of `content`: sha1("blob <size>\0" + content). */
export function gitBlobSha(content: Uint8Array): string {
  return createHash("sha1").update(`blob ${content.byteLength}\0`).update(content).digest("hex");
}

/** Why a file's contents cannot be analysed, or null when they can. */
export function contentSkipReason(content: Uint8Array): SkipReason | null {
  if (content.byteLength > MAX_FILE_BYTES) return "too-large";
  if (startsWith(content, LFS_POINTER)) return "lfs-pointer";
  if (looksBinary(content)) return "binary";
  return null;
}

function startsWith(content: Uint8Array, prefix: Uint8Array): boolean {
  if (content.byteLength < prefix.byteLength) return false;
  for (let i = 0; i < prefix.byteLength; i++) if (content[i] !== prefix[i]) return false;
  return true;
}

/** The snapshot with its files and skipped entries in path order (deterministic reports). */
export function sortSnapshot(snapshot: Snapshot): Snapshot {
  const byPath = (a: { path: string }, b: { path: string }) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
  return {
    commit: snapshot.commit,
    files: [...snapshot.files].sort(byPath),
    skipped: [...snapshot.skipped].sort(byPath),
  };
}
